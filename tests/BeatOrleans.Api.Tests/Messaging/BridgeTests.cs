using System.Net;
using System.Text.Json.Nodes;
using BeatOrleans.Api.Tests.Contract;
using RabbitMQ.Client;

namespace BeatOrleans.Api.Tests.Messaging;

/// <summary>The RabbitMQ bridge against the run's real broker: events out after the calls that cause them, events in.</summary>
[Collection(BrokerGroup.Name)]
public sealed class BridgeTests(BridgedMarketplaceHost host)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly HttpClient http = host.CreateClient();
    [Fact]
    public async Task Each_event_type_arrives_on_a_bound_queue_with_its_envelope_after_the_call_that_causes_it()
    {
        await using var broker = new TestBroker();
        var queue = await broker.BindQueue("users.registered", "chat.message_sent", "notifications.created");
        var alice = await http.SignUp();
        var bob = await http.SignUp();
        var aliceTokens = await http.LogIn(alice);
        var sent = await (await http.Send(HttpMethod.Post, "/api/chat/send", aliceTokens.Token, new { receiver = bob.Username, message = "hello" }))
            .Body(HttpStatusCode.Created);
        var messageId = sent["message_id"]!.GetValue<string>();

        // Other test classes' hosts publish too: only this test's users count.
        var mine = new[] { alice.UserId, bob.UserId, sent["chat_id"]!.GetValue<string>() };
        var taken = (await broker.Take(queue, t => t.Count(d => Mine(d)) >= 4, Deadline)).Where(Mine).ToList();
        await broker.DeleteQueue(queue);

        bool Mine(Delivered d) => mine.Contains(d.Envelope["aggregate_id"]?.GetValue<string>());
        Assert.Equal(4, taken.Count);
        foreach (var delivered in taken)
        {
            Assert.Null(AsyncApiContract.CheckMessage(delivered.RoutingKey, delivered.Envelope));
            var envelope = delivered.Envelope;
            Assert.Equal(["id", "type", "occurred_at", "aggregate_id", "data"], envelope.Select(p => p.Key));
            Assert.Equal(delivered.RoutingKey, envelope["type"]!.GetValue<string>());
            Assert.Equal(envelope["id"]!.GetValue<string>(), delivered.Properties.MessageId);
            Assert.Equal(DeliveryModes.Persistent, delivered.Properties.DeliveryMode);
            Assert.Equal("application/json", delivered.Properties.ContentType);
            Assert.True(DateTimeOffset.TryParse(envelope["occurred_at"]!.GetValue<string>(), out var at) && at > DateTimeOffset.UtcNow.AddMinutes(-5));
        }

        var registered = taken.Where(d => d.RoutingKey == "users.registered").Select(d => d.Envelope["data"]!.AsObject()).ToList();
        Assert.Equal([alice.Username, bob.Username], registered.Select(d => d["username"]!.GetValue<string>()));
        Assert.Equal([alice.UserId, bob.UserId], registered.Select(d => d["user_id"]!.GetValue<string>()));

        var message = Assert.Single(taken, d => d.RoutingKey == "chat.message_sent").Envelope;
        Assert.Equal(messageId, message["id"]!.GetValue<string>());
        var data = message["data"]!.AsObject();
        Assert.Equal(messageId, data["message_id"]!.GetValue<string>());
        Assert.Equal(alice.UserId, data["sender_id"]!.GetValue<string>());
        Assert.Equal(bob.UserId, data["receiver_id"]!.GetValue<string>());
        Assert.Equal(5, data["length"]!.GetValue<int>());
        Assert.Null(data["content"]);

        var notification = Assert.Single(taken, d => d.RoutingKey == "notifications.created").Envelope["data"]!.AsObject();
        Assert.Equal(bob.UserId, notification["user_id"]!.GetValue<string>());
        Assert.Equal("message", notification["type"]!.GetValue<string>());
        Assert.Equal($"You have a new message from {alice.Username}", notification["message"]!.GetValue<string>());
        // What it is about, as the API shows it: the conversation.
        Assert.Equal("chat", notification["subject_type"]!.GetValue<string>());
        Assert.Equal(sent["chat_id"]!.GetValue<string>(), notification["subject_id"]!.GetValue<string>());
        var stored = (await (await http.Send(HttpMethod.Get, "/api/notifications", (await http.LogIn(bob)).Token)).Body(HttpStatusCode.OK))["notifications"]![0]!;
        Assert.Equal(stored["notification_id"]!.GetValue<string>(), notification["notification_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_offers_steps_are_published_as_offer_events_in_order()
    {
        await using var broker = new TestBroker();
        var queue = await broker.BindQueue("offer.#");
        var producer = (await http.LogIn(await http.SignUp())).Token;
        var buyer = await http.LogIn(await http.SignUp());
        var beat = await http.ReadyBeat(producer);
        var made = await (await http.MakeOffer(buyer.Token, beat.Id(), "mp3_lease", 20m)).Body(HttpStatusCode.Created);
        var counter = await (await http.CounterOffer(producer, made.OfferId(), 25m)).Body(HttpStatusCode.Created);
        await (await http.AnswerOffer(buyer.Token, counter.OfferId(), "accept")).Body(HttpStatusCode.OK);
        await http.BuyAndPay(buyer.Token, beat.Id(), "mp3_lease");

        var mine = new[] { made.OfferId(), counter.OfferId() };
        bool Mine(Delivered d) => mine.Contains(d.Envelope["aggregate_id"]?.GetValue<string>());
        var taken = (await broker.Take(queue, t => t.Count(Mine) >= 5, Deadline)).Where(Mine).ToList();
        await broker.DeleteQueue(queue);

        Assert.All(taken, d => Assert.Null(AsyncApiContract.CheckMessage(d.RoutingKey, d.Envelope)));
        Assert.Equal(["offer.made", "offer.countered"], taken.Where(d => d.Envelope["aggregate_id"]!.GetValue<string>() == made.OfferId()).Select(d => d.RoutingKey));
        Assert.Equal(["offer.made", "offer.accepted", "offer.purchased"], taken.Where(d => d.Envelope["aggregate_id"]!.GetValue<string>() == counter.OfferId()).Select(d => d.RoutingKey));
        var accepted = taken.Single(d => d.RoutingKey == "offer.accepted").Envelope["data"]!;
        Assert.Equal(25m, accepted["amount"]!.GetValue<decimal>());
        Assert.Equal(buyer.UserId, accepted["buyer_id"]!.GetValue<string>());
        Assert.Equal(made.OfferId(), accepted["counter_of"]!.GetValue<string>());
        Assert.Equal(counter.OfferId(), taken.Single(d => d.RoutingKey == "offer.countered").Envelope["data"]!["counter_offer_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_beats_upload_publication_and_deletion_are_published_as_catalog_events()
    {
        await using var broker = new TestBroker();
        var queue = await broker.BindQueue("catalog.#");
        var producer = await http.SignUp();
        var token = (await http.LogIn(producer)).Token;
        var beat = await http.UploadBeat(token, await Audio.Tone(220, 2, "wav"), new() { ["title"] = "Bridged", ["genre"] = "trap", ["price"] = "25" });
        var beatId = beat.Id();
        Assert.Equal("ready", (await http.WaitUntilProcessed(beatId))["status"]!.GetValue<string>());
        await (await http.Send(HttpMethod.Delete, $"/api/beats/{beatId}/delete", token)).Body(HttpStatusCode.OK);

        bool Mine(Delivered d) => d.Envelope["aggregate_id"]?.GetValue<string>() == beatId;
        var taken = (await broker.Take(queue, t => t.Count(Mine) >= 3, Deadline)).Where(Mine).ToList();
        await broker.DeleteQueue(queue);

        Assert.Equal(["catalog.beat_uploaded", "catalog.beat_ready", "catalog.beat_deleted"], taken.Select(d => d.RoutingKey));
        Assert.All(taken, d => Assert.Equal(d.RoutingKey, d.Envelope["type"]!.GetValue<string>()));
        Assert.All(taken, d => Assert.Null(AsyncApiContract.CheckMessage(d.RoutingKey, d.Envelope)));
        var uploaded = taken[0].Envelope["data"]!.AsObject();
        Assert.Equal(producer.UserId, uploaded["producer_id"]!.GetValue<string>());
        Assert.Equal("wav", uploaded["format"]!.GetValue<string>());
        var ready = taken[1].Envelope["data"]!.AsObject();
        Assert.Equal("Bridged", ready["title"]!.GetValue<string>());
        Assert.InRange(ready["duration_seconds"]!.GetValue<double>(), 1.9, 2.1);
        Assert.Equal(25m, ready["licenses"]![0]!["price"]!.GetValue<decimal>());
        Assert.Equal(beatId, taken[2].Envelope["data"]!["beat_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_inbound_notification_request_reaches_the_inbox_and_a_connected_hub_once_though_delivered_twice()
    {
        await using var broker = new TestBroker();
        var bobAccount = await http.SignUp();
        var bob = await http.LogIn(bobAccount);
        var (hub, onHub) = await LiveClients.ConnectHub(host.BaseAddress, bob.Token);
        var id = Guid.NewGuid().ToString("N");
        var body = Inbound(id, bob.UserId, "Your beat was featured", "promotion");

        await broker.PublishInbound("notification.requested", body);
        var pushed = await onHub.First("ReceiveNotification", p => p["message"]?.GetValue<string>() == "Your beat was featured");
        Assert.Equal("promotion", pushed["kind"]!.GetValue<string>());
        Assert.Equal("unread", pushed["status"]!.GetValue<string>());

        // The same envelope again, then a marker: one handler at a time per silo, so once the marker is stored the
        // duplicate has been handled too.
        await broker.PublishInbound("notification.requested", body);
        await broker.PublishInbound("notification.requested", Inbound(Guid.NewGuid().ToString("N"), bob.UserId, "marker", null));
        var notifications = await NotificationsOnceThey(bob, n => n.Any(x => x!["message"]!.GetValue<string>() == "marker"));

        var featured = Assert.Single(notifications, n => n!["message"]!.GetValue<string>() == "Your beat was featured");
        Assert.Equal(pushed["notification_id"]!.GetValue<string>(), featured!["notification_id"]!.GetValue<string>());
        Assert.Equal("system", Assert.Single(notifications, n => n!["message"]!.GetValue<string>() == "marker")!["type"]!.GetValue<string>());
        Assert.Single(onHub.All, p => p.Payload["message"]?.GetValue<string>() == "Your beat was featured");
        await hub.DisposeAsync();
    }

    [Fact]
    public async Task Malformed_inbound_messages_go_to_the_dead_letter_queue_and_the_consumer_keeps_running()
    {
        await using var broker = new TestBroker();
        var bob = await http.LogIn(await http.SignUp());
        var notJson = Guid.NewGuid().ToString("N");
        var noUser = Guid.NewGuid().ToString("N");

        await broker.PublishInbound("notification.requested", "{not json", notJson);
        await broker.PublishInbound("notification.requested", Inbound(noUser, "no-such-user-" + noUser, "hello", null), noUser);
        await broker.PublishInbound("notification.requested", Inbound(Guid.NewGuid().ToString("N"), bob.UserId, "after the bad ones", null));

        var dead = await broker.Take("beatorleans.inbound.dead-letter",
            t => t.Count(d => d.Properties.MessageId is { } m && (m == notJson || m == noUser)) == 2, Deadline, parse: false);
        Assert.Equal(2, dead.Count(d => d.Properties.MessageId == notJson || d.Properties.MessageId == noUser));
        await NotificationsOnceThey(bob, n => n.Any(x => x!["message"]!.GetValue<string>() == "after the bad ones"));
    }

    private static string Inbound(string id, string userId, string message, string? type) => new JsonObject
    {
        ["id"] = id,
        ["type"] = "notification.requested",
        ["occurred_at"] = DateTimeOffset.UtcNow.ToString("O"),
        ["data"] = type is null
            ? new JsonObject { ["user_id"] = userId, ["message"] = message }
            : new JsonObject { ["user_id"] = userId, ["message"] = message, ["type"] = type },
    }.ToJsonString();

    private Task<JsonArray> NotificationsOnceThey(Tokens user, Func<JsonArray, bool> done) =>
        Eventually.Holds(
            async () => (await (await http.Send(HttpMethod.Get, "/api/notifications", user.Token)).Body(HttpStatusCode.OK))["notifications"]!.AsArray(),
            done, Deadline, notifications => $"not within {Deadline}: {notifications.ToJsonString()}", TimeSpan.FromMilliseconds(50));
}
