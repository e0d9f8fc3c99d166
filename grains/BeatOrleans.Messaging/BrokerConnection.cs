using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;

namespace BeatOrleans.Messaging;

/// <summary>The broker cannot be reached now; the caller's events stay in their outboxes.</summary>
public sealed class BrokerUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The silo's one connection to RabbitMQ. Reconnects on demand, at most once a second, rather than through the
/// client's automatic recovery: a closed connection then fails every use at once (publishers keep their events,
/// the consumer loop opens a new channel), and the topology is declared again on every new connection.
/// </summary>
public sealed partial class BrokerConnection(IOptions<BridgeOptions> options, TimeProvider clock, ILogger<BrokerConnection> logger) : IAsyncDisposable
{
    private static readonly TimeSpan ReconnectPause = TimeSpan.FromSeconds(1);
    private readonly SemaphoreSlim gate = new(1, 1);
    private IConnection? connection;
    private DateTimeOffset nextAttempt = DateTimeOffset.MinValue;

    public bool Enabled => options.Value.Enabled;

    public bool IsOpen => connection?.IsOpen == true;

    /// <summary>Why the last attempt to connect failed, for the health check.</summary>
    public string LastError { get; private set; } = "not connected yet";

    public async Task<IConnection> Open(CancellationToken cancellationToken)
    {
        if (connection is { IsOpen: true } open)
        {
            return open;
        }

        await gate.WaitAsync(cancellationToken);
        try
        {
            if (connection is { IsOpen: true } opened)
            {
                return opened;
            }

            if (clock.GetUtcNow() < nextAttempt)
            {
                throw new BrokerUnavailableException($"RabbitMQ unreachable: {LastError}");
            }

            if (connection is not null)
            {
                await connection.DisposeAsync();
                connection = null;
            }

            return connection = await Connect(cancellationToken);
        }
        catch (Exception exception) when (exception is not BrokerUnavailableException and not OperationCanceledException)
        {
            nextAttempt = clock.GetUtcNow() + ReconnectPause;
            LastError = Describe(exception);
            LogUnreachable(logger, LastError);
            throw new BrokerUnavailableException($"RabbitMQ unreachable: {LastError}", exception);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// The outer exception and its causes: the client wraps a refused login (wrong user or password) and a refused
    /// connection alike in "None of the specified endpoints were reachable", and only the cause tells them apart.
    /// </summary>
    private static string Describe(Exception exception)
    {
        var parts = new List<string>();
        for (var e = exception; e is not null && parts.Count < 4; e = e.InnerException)
        {
            parts.Add($"{e.GetType().Name}: {e.Message}");
        }

        return string.Join(" <- ", parts);
    }

    public async ValueTask DisposeAsync()
    {
        if (connection is not null)
        {
            await connection.DisposeAsync();
        }

        gate.Dispose();
    }

    private async Task<IConnection> Connect(CancellationToken cancellationToken)
    {
        var factory = new ConnectionFactory
        {
            Uri = new Uri(options.Value.ConnectionString!),
            AutomaticRecoveryEnabled = false,
            TopologyRecoveryEnabled = false,
            RequestedConnectionTimeout = TimeSpan.FromSeconds(3),
            ClientProvidedName = $"beatorleans-{Environment.MachineName}",
        };
        var created = await factory.CreateConnectionAsync(cancellationToken);
        try
        {
            await using var channel = await created.CreateChannelAsync(cancellationToken: cancellationToken);
            await Topology.Declare(channel, options.Value, InboundHandlers.Types, cancellationToken);
        }
        catch
        {
            await created.DisposeAsync();
            throw;
        }

        LogConnected(logger, created.Endpoint);
        return created;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Connected to RabbitMQ at {Endpoint}; exchanges and queues declared")]
    private static partial void LogConnected(ILogger logger, AmqpTcpEndpoint endpoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "RabbitMQ unreachable: {Error}")]
    private static partial void LogUnreachable(ILogger logger, string error);
}
