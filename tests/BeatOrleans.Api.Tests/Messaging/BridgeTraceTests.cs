using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace BeatOrleans.Api.Tests.Messaging;

/// <summary>The bridged host with spans recorded (as with an OTLP endpoint), so the trace context crosses RabbitMQ.</summary>
public sealed class TracedBridgeHost() : MarketplaceHost(new Dictionary<string, string?>
{
    ["ConnectionStrings:RabbitMq"] = TestBroker.ConnectionString,
    ["Telemetry:Traces"] = "true",
});

/// <summary>W3C trace context in the bridge's message headers, both ways.</summary>
[Collection(BrokerGroup.Name)]
public sealed class BridgeTraceTests(TracedBridgeHost host) : IClassFixture<TracedBridgeHost>
{
    [Fact]
    public async Task An_event_carries_the_trace_of_the_request_that_caused_it()
    {
        await using var broker = new TestBroker();
        var queue = await broker.BindQueue("users.registered");
        var http = host.CreateClient();
        var signup = await http.PostAsJsonAsync("/api/users/signup",
            new { username = ApiClient.UniqueName(), email = $"{Guid.NewGuid():N}@example.com", password = ApiClient.Password });
        var userId = (await signup.Body(HttpStatusCode.Created))["user_id"]!.GetValue<string>();
        var traceId = Assert.Single(signup.Headers.GetValues("X-Trace-Id"));

        var taken = await broker.Take(queue, t => t.Any(d => d.Envelope["aggregate_id"]?.GetValue<string>() == userId), TimeSpan.FromSeconds(30));
        await broker.DeleteQueue(queue);
        var registered = Assert.Single(taken, d => d.Envelope["aggregate_id"]?.GetValue<string>() == userId);
        var traceParent = Encoding.UTF8.GetString(Assert.IsType<byte[]>(registered.Properties.Headers!["traceparent"]));
        Assert.Matches($"^00-{traceId}-[0-9a-f]{{16}}-[0-9a-f]{{2}}$", traceParent);
    }

    [Fact]
    public async Task Handling_an_inbound_message_continues_the_trace_its_headers_name()
    {
        await using var broker = new TestBroker();
        var http = host.CreateClient();
        var user = await http.SignUp();
        var parent = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);
        var handled = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "BeatOrleans.Messaging",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.Kind == ActivityKind.Consumer)
                {
                    handled.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        var body = new JsonObject
        {
            ["id"] = Guid.NewGuid().ToString("N"),
            ["type"] = "notification.requested",
            ["occurred_at"] = DateTimeOffset.UtcNow.ToString("O"),
            ["data"] = new JsonObject { ["user_id"] = user.UserId, ["message"] = "traced" },
        }.ToJsonString();
        await broker.PublishInbound("notification.requested", body, headers: new Dictionary<string, object?>
        {
            ["traceparent"] = Encoding.UTF8.GetBytes($"00-{parent.TraceId}-{parent.SpanId}-01"),
        });

        await Eventually.Holds(() => Task.FromResult(handled.Any(a => a.TraceId == parent.TraceId)), TimeSpan.FromSeconds(30),
            "no consumer span continued the message's trace");

        var span = handled.First(a => a.TraceId == parent.TraceId);
        Assert.Equal(parent.SpanId, span.ParentSpanId);
        Assert.Equal("notification.requested", span.GetTagItem("messaging.rabbitmq.destination.routing_key"));
    }
}
