using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using RabbitMQ.Client;

namespace BeatOrleans.Api.Tests.Messaging;

/// <summary>A message as a test queue got it: its envelope and its AMQP properties.</summary>
public sealed record Delivered(JsonObject Envelope, IReadOnlyBasicProperties Properties, string RoutingKey, string Body);

/// <summary>The run's real RabbitMQ (scripts/test.sh), as an outside consumer and producer sees it.</summary>
public sealed class TestBroker : IAsyncDisposable
{
    private IConnection? connection;

    public static string ConnectionString => Environment.GetEnvironmentVariable("BEATORLEANS_TEST_RABBITMQ") is { Length: > 0 } value
        ? value
        : throw new InvalidOperationException("BEATORLEANS_TEST_RABBITMQ is not set: run the tests through ./scripts/test.sh, which starts RabbitMQ.");

    /// <summary>A durable queue of this test's own, bound to <c>beatorleans.events</c> for the given event types.</summary>
    public async Task<string> BindQueue(params string[] types)
    {
        await using var channel = await Channel();
        var queue = $"test.{Guid.NewGuid():N}";
        await channel.ExchangeDeclareAsync("beatorleans.events", ExchangeType.Topic, durable: true, autoDelete: false);
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
        foreach (var type in types)
        {
            await channel.QueueBindAsync(queue, "beatorleans.events", type);
        }

        return queue;
    }

    public async Task DeleteQueue(string queue)
    {
        await using var channel = await Channel();
        await channel.QueueDeleteAsync(queue, ifUnused: false, ifEmpty: false);
    }

    /// <summary>Takes messages off a queue (acknowledging them) until <paramref name="done"/> holds for what was taken, or the deadline.</summary>
    /// <param name="parse">False for queues that may hold non-JSON bodies: <see cref="Delivered.Envelope"/> is then empty.</param>
    public async Task<List<Delivered>> Take(string queue, Func<List<Delivered>, bool> done, TimeSpan within, bool parse = true)
    {
        var taken = new List<Delivered>();
        var deadline = Stopwatch.StartNew();
        await using var channel = await Channel();
        while (!done(taken) && deadline.Elapsed < within)
        {
            var result = await channel.BasicGetAsync(queue, autoAck: true);
            if (result is null)
            {
                await Task.Delay(20);
                continue;
            }

            var body = Encoding.UTF8.GetString(result.Body.Span);
            taken.Add(new Delivered(parse ? JsonNode.Parse(body)!.AsObject() : [], result.BasicProperties, result.RoutingKey, body));
        }

        return taken;
    }

    /// <summary>Publishes a body to <c>beatorleans.inbound</c> as an outside system would, with publisher confirms.</summary>
    public async Task PublishInbound(string type, string body, string? messageId = null, IDictionary<string, object?>? headers = null)
    {
        await using var channel = await (await Connection()).CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        var properties = new BasicProperties { Persistent = true, ContentType = "application/json", MessageId = messageId ?? Guid.NewGuid().ToString("N"), Headers = headers };
        await channel.BasicPublishAsync("beatorleans.inbound", type, mandatory: true, properties, Encoding.UTF8.GetBytes(body));
    }

    /// <summary>Stops the node (its data kept) and starts it again, through scripts/lib/rabbitmq-ctl.sh.</summary>
    public async Task Control(string verb)
    {
        if (connection is not null)
        {
            await connection.DisposeAsync();
            connection = null;
        }

        var start = new ProcessStartInfo("bash", [Path.Combine(TestServers.RepositoryRoot, "scripts", "lib", "rabbitmq-ctl.sh"), verb])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        Assert.True(process.ExitCode == 0, $"rabbitmq-ctl.sh {verb} exited {process.ExitCode}: {await output} {await errors}");
    }

    public async ValueTask DisposeAsync()
    {
        if (connection is not null)
        {
            await connection.DisposeAsync();
        }
    }

    private async Task<IChannel> Channel() => await (await Connection()).CreateChannelAsync();

    private async Task<IConnection> Connection() =>
        connection is { IsOpen: true } open ? open : connection = await new ConnectionFactory { Uri = new Uri(ConnectionString) }.CreateConnectionAsync();
}

/// <summary>The API host with the bridge on, retrying and sweeping every second so outage tests take seconds.</summary>
public sealed class BridgedMarketplaceHost() : MarketplaceHost(new Dictionary<string, string?>
{
    ["ConnectionStrings:RabbitMq"] = TestBroker.ConnectionString,
    ["Outbox:RetryPeriod"] = "00:00:01",
    ["Outbox:SweepPeriod"] = "00:00:01",
});

/// <summary>The tests that use the broker run one after another: one of them stops it.</summary>
[CollectionDefinition(Name)]
public sealed class BrokerGroup : ICollectionFixture<BridgedMarketplaceHost>
{
    public const string Name = "broker";
}
