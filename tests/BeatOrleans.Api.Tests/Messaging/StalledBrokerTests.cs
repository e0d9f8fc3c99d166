using System.Net;

namespace BeatOrleans.Api.Tests.Messaging;

/// <summary>
/// A broker that is up but does not confirm (RabbitMQ blocks publishers on a memory or disk alarm, or is slow to start)
/// is no reason to hold a request: the change and its events are stored when the request is answered, and the events
/// reach the broker once it answers again. In the same collection as the outage test, which stops the broker.
/// </summary>
[Collection(BrokerGroup.Name)]
public sealed class StalledBrokerTests
{
    /// <summary>Far longer than the wait below: a request that waited for the confirm is not answered in it.</summary>
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan AnsweredWithin = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Signups_and_chat_messages_are_answered_while_the_broker_stalls_and_their_events_arrive_later()
    {
        await using var relay = new StallingRelay(TestBroker.ConnectionString);
        var host = new StalledBrokerHost(relay.ConnectionString, PublishTimeout);
        await host.InitializeAsync();
        await using var broker = new TestBroker();
        var queue = await broker.BindQueue("users.registered", "chat.message_sent");
        try
        {
            var http = host.CreateClient();
            // Through the relay while it passes everything: the host's broker connection and channels are open.
            var alice = await http.SignUp();
            var tokens = await http.LogIn(alice);

            relay.Stall();
            var bob = await http.SignUp().WaitAsync(AnsweredWithin);
            var message = new { receiver = bob.Username, message = "there?" };
            var send = http.Send(HttpMethod.Post, "/api/chat/send", tokens.Token, message);
            var sent = await (await send.WaitAsync(AnsweredWithin)).Body(HttpStatusCode.Created);
            var chatId = sent["chat_id"]!.GetValue<string>();
            var messageId = sent["message_id"]!.GetValue<string>();

            relay.Resume();
            var taken = await broker.Take(
                queue, t => Arrived(t, "users.registered", bob.UserId) && Arrived(t, "chat.message_sent", chatId),
                TimeSpan.FromSeconds(60));

            Assert.True(Arrived(taken, "users.registered", bob.UserId), "bob's signup never reached the broker");
            var published = Assert.Single(taken, d => Is(d, "chat.message_sent", chatId));
            Assert.Equal(messageId, published.Envelope["id"]!.GetValue<string>());
        }
        finally
        {
            relay.Resume();
            await broker.DeleteQueue(queue);
            await host.DisposeAsync();
        }
    }

    private static bool Is(Delivered delivered, string type, string aggregate) =>
        delivered.Envelope["type"]!.GetValue<string>() == type
        && delivered.Envelope["aggregate_id"]!.GetValue<string>() == aggregate;

    private static bool Arrived(List<Delivered> taken, string type, string aggregate) =>
        taken.Any(d => Is(d, type, aggregate));

    private sealed class StalledBrokerHost(string broker, TimeSpan publishTimeout) : MarketplaceHost(
        new Dictionary<string, string?>
        {
            ["ConnectionStrings:RabbitMq"] = broker,
            ["Messaging:PublishTimeout"] = publishTimeout.ToString(),
            ["Outbox:RetryPeriod"] = "00:00:01",
            ["Outbox:SweepPeriod"] = "00:00:01",
        });
}
