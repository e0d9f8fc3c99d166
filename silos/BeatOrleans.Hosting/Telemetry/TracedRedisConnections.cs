using OpenTelemetry.Instrumentation.StackExchangeRedis;
using StackExchange.Redis;

namespace BeatOrleans.Hosting.Telemetry;

/// <summary>
/// The Redis connections whose commands become spans. Orleans' Redis providers open their own connections (none is
/// in the container for the instrumentation to find), after the tracer provider started: each one is handed over
/// here as it opens. Without recorded traces nothing attaches, and the connections carry no profiler.
/// </summary>
public sealed class TracedRedisConnections
{
    private readonly Lock gate = new();
    private readonly List<(string Name, IConnectionMultiplexer Connection)> waiting = [];
    private StackExchangeRedisInstrumentation? instrumentation;

    public void Add(string name, IConnectionMultiplexer connection)
    {
        lock (gate)
        {
            if (instrumentation is null)
            {
                waiting.Add((name, connection));
            }
            else
            {
                instrumentation.AddConnection(name, connection);
            }
        }
    }

    internal void Attach(StackExchangeRedisInstrumentation redis)
    {
        lock (gate)
        {
            instrumentation = redis;
            foreach (var (name, connection) in waiting)
            {
                redis.AddConnection(name, connection);
            }

            waiting.Clear();
        }
    }
}
