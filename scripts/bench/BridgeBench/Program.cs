using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using BeatOrleans.Contracts.Chat;
using BeatOrleans.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

// Usage: BridgeBench <amqp-uri> <redis> <postgres> <messages> <conversations>
// One silo of the cluster profile in this process (chat state on Redis, as deployed; a cluster id of its own). The same chat sends, <conversations> at a time (each
// conversation sequential), first with the bridge off, then on; with it on, a queue bound to chat.message_sent
// measures confirmed events per second and the delay from the state change (occurred_at) to the message on the queue.
var uri = args[0];
var (redis, postgres) = (args[1], args[2]);
var messages = int.Parse(args[3], CultureInfo.InvariantCulture);
var conversations = int.Parse(args[4], CultureInfo.InvariantCulture);

var off = await Run(null, messages, conversations);
Console.WriteLine($"bridge off: {messages} sends, {conversations} at a time: {off.Rate:0} sends/s, send p50 {off.SendP50:0.00} ms, p99 {off.SendP99:0.00} ms");
var on = await Run(uri, messages, conversations);
Console.WriteLine($"bridge on:  {messages} sends, {conversations} at a time: {on.Rate:0} sends/s, send p50 {on.SendP50:0.00} ms, p99 {on.SendP99:0.00} ms");
Console.WriteLine($"confirmed events through the bridge: {on.Arrived}/{messages} chat.message_sent on the queue, {on.EventsPerSecond:0} events/s (first send -> last arrival)");
Console.WriteLine($"state change -> message on a queue: p50 {on.DelayP50:0.00} ms, p99 {on.DelayP99:0.00} ms, max {on.DelayMax:0.00} ms");
Console.WriteLine($"ratio send p50 on/off: {on.SendP50 / off.SendP50:0.00}");
return on.Arrived == messages ? 0 : 1;

async Task<Result> Run(string? rabbitMq, int messages, int conversations)
{
    var port = FreePort();
    var cluster = $"bench-{Guid.NewGuid():N}"[..16];
    var builder = Host.CreateApplicationBuilder();
    builder.Logging.SetMinimumLevel(LogLevel.Warning);
    builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Orleans:Mode"] = "cluster",
        // Every domain, purchasing included, which in a cluster takes payments only as told.
        ["Payments:Provider"] = "simulated",
        ["ConnectionStrings:Redis"] = redis,
        ["ConnectionStrings:Postgres"] = postgres,
        ["ConnectionStrings:RabbitMq"] = rabbitMq,
        ["Silo:ClusterId"] = cluster,
        ["Silo:ServiceId"] = cluster,
        ["Silo:SiloPort"] = port.ToString(CultureInfo.InvariantCulture),
        ["Silo:GatewayPort"] = FreePort().ToString(CultureInfo.InvariantCulture),
    });
    var options = builder.Configuration.GetSiloHostingOptions();
    builder.UseOrleans(silo => silo.AddBeatOrleansSilo(builder.Configuration, options));
    using var host = builder.Build();
    await host.StartAsync();
    var grains = host.Services.GetRequiredService<IGrainFactory>();

    var delays = new ConcurrentBag<double>();
    var lastArrival = 0L;
    IConnection? connection = null;
    var mine = new ConcurrentDictionary<string, bool>();
    if (rabbitMq is not null)
    {
        connection = await new ConnectionFactory { Uri = new Uri(rabbitMq) }.CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync();
        var queue = (await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true)).QueueName;
        await channel.ExchangeDeclareAsync("beatorleans.events", ExchangeType.Topic, durable: true, autoDelete: false);
        await channel.QueueBindAsync(queue, "beatorleans.events", "chat.message_sent");
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            var now = DateTimeOffset.UtcNow;
            using var envelope = JsonDocument.Parse(delivery.Body);
            if (mine.ContainsKey(envelope.RootElement.GetProperty("aggregate_id").GetString()!))
            {
                delays.Add((now - envelope.RootElement.GetProperty("occurred_at").GetDateTimeOffset()).TotalMilliseconds);
                Interlocked.Exchange(ref lastArrival, Stopwatch.GetTimestamp());
            }

            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue, autoAck: true, consumer);
    }

    // Warm-up: one message per conversation, not measured.
    var pairs = Enumerable.Range(0, conversations).Select(_ => (Guid.NewGuid().ToString("N"), Guid.NewGuid().ToString("N"))).ToList();
    await Task.WhenAll(pairs.Select(p => grains.GetGrain<IConversationGrain>(ChatIds.For(p.Item1, p.Item2)).Send(new Outgoing(p.Item1, "bench", p.Item2, "warm-up"))));
    await Task.Delay(1000);
    foreach (var (a, b) in pairs)
    {
        mine[ChatIds.For(a, b)] = true;
    }

    var sends = new ConcurrentBag<double>();
    var start = Stopwatch.GetTimestamp();
    await Task.WhenAll(pairs.Select(async pair =>
    {
        var chat = grains.GetGrain<IConversationGrain>(ChatIds.For(pair.Item1, pair.Item2));
        for (var i = 0; i < messages / conversations; i++)
        {
            var begin = Stopwatch.GetTimestamp();
            await chat.Send(new Outgoing(pair.Item1, "bench", pair.Item2, $"message {i}"));
            sends.Add(Stopwatch.GetElapsedTime(begin).TotalMilliseconds);
        }
    }));
    var sendSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;

    // The warm-up messages arrived before the ids counted as mine; wait for the measured ones, 60 s at most.
    var deadline = Stopwatch.StartNew();
    while (rabbitMq is not null && delays.Count < messages && deadline.Elapsed < TimeSpan.FromSeconds(60))
    {
        await Task.Delay(10);
    }

    var eventsSeconds = delays.IsEmpty ? double.NaN : Stopwatch.GetElapsedTime(start, Interlocked.Read(ref lastArrival)).TotalSeconds;
    if (connection is not null)
    {
        await connection.DisposeAsync();
    }

    await host.StopAsync();
    var sorted = sends.Order().ToArray();
    var delaySorted = delays.Order().ToArray();
    return new Result(
        sends.Count / sendSeconds, Percentile(sorted, 0.5), Percentile(sorted, 0.99),
        delays.Count, delays.Count / eventsSeconds, Percentile(delaySorted, 0.5), Percentile(delaySorted, 0.99), delaySorted.LastOrDefault());
}

static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}

internal sealed record Result(double Rate, double SendP50, double SendP99, int Arrived, double EventsPerSecond, double DelayP50, double DelayP99, double DelayMax);
