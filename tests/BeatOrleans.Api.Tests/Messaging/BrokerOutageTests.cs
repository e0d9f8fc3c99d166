using System.Net;
using System.Text.Json.Nodes;
using RabbitMQ.Client;

namespace BeatOrleans.Api.Tests.Messaging;

[Collection(BrokerGroup.Name)]
public sealed class BrokerOutageTests(BridgedMarketplaceHost host)
{
    private const int Pairs = 10;
    private const int MessagesPerPair = 100;
    [Fact]
    public async Task A_thousand_events_produced_while_the_broker_is_down_all_arrive_once_each_in_order_from_durable_state()
    {
        await using var broker = new TestBroker();
        var http = host.CreateClient();
        var pairs = new List<(Tokens Sender, Account Receiver)>();
        for (var i = 0; i < Pairs; i++)
        {
            pairs.Add((await http.LogIn(await http.SignUp()), await http.SignUp()));
        }

        var queue = await broker.BindQueue("chat.message_sent");
        var sent = new Dictionary<string, List<string>>();
        await broker.Control("stop");
        try
        {
            var ready = await (await http.GetAsync("/health/ready")).Body(HttpStatusCode.OK);
            Assert.Equal("Degraded", ready["status"]!.GetValue<string>());
            Assert.Contains(ready["checks"]!.AsArray(), c => c!["name"]!.GetValue<string>() == "rabbitmq" && c["status"]!.GetValue<string>() == "Degraded");

            // The marketplace keeps serving: every send is stored and answered while the broker is away.
            var chats = await Task.WhenAll(pairs.Select(async pair =>
            {
                var ids = new List<string>();
                string chatId = "";
                for (var m = 0; m < MessagesPerPair; m++)
                {
                    var message = await (await http.Send(HttpMethod.Post, "/api/chat/send", pair.Sender.Token, new { receiver = pair.Receiver.Username, message = $"m{m}" }))
                        .Body(HttpStatusCode.Created);
                    chatId = message["chat_id"]!.GetValue<string>();
                    ids.Add(message["message_id"]!.GetValue<string>());
                }

                return (chatId, ids);
            }));
            foreach (var (chatId, ids) in chats)
            {
                sent[chatId] = ids;
            }

            // A restart while the events wait: the new silo has none of these grains active, so only the stored
            // outboxes (found through the outbox index) can bring the events out.
            await host.Restart();
            http = host.CreateClient();
        }
        finally
        {
            await broker.Control("start");
        }

        var expected = sent.Values.Sum(ids => ids.Count);
        var taken = await broker.Take(queue, t => t.Select(d => d.Envelope["id"]!.GetValue<string>()).Distinct().Count() >= expected, TimeSpan.FromSeconds(90));
        await broker.DeleteQueue(queue);

        var mine = taken.Where(d => sent.ContainsKey(d.Envelope["aggregate_id"]!.GetValue<string>())).ToList();
        var firstOfEach = mine.DistinctBy(d => d.Envelope["id"]!.GetValue<string>()).ToList();
        Assert.Equal(Pairs * MessagesPerPair, firstOfEach.Count);
        foreach (var (chatId, ids) in sent)
        {
            // In order per conversation once duplicates are dropped, and exactly the messages that were sent.
            Assert.Equal(ids, firstOfEach.Where(d => d.Envelope["aggregate_id"]!.GetValue<string>() == chatId).Select(d => d.Envelope["id"]!.GetValue<string>()));
        }

        // Published only from durable state: every event names a message the restarted host reads back from storage.
        var (sender, receiver) = pairs[0];
        var token = (await http.LogIn(receiver)).Token;
        var chat = sent.Keys.First(c => sent[c].Count == MessagesPerPair);
        var stored = await (await http.Send(HttpMethod.Get, $"/api/chat/messages/{chat}?limit=100", token)).Body(HttpStatusCode.OK);
        var storedIds = stored["messages"]!.AsArray().Select(m => m!["message_id"]!.GetValue<string>()).ToHashSet();
        var conversationOfPairZero = firstOfEach.Where(d => d.Envelope["data"]!["sender_id"]!.GetValue<string>() == sender.UserId).ToList();
        Assert.Equal(MessagesPerPair, conversationOfPairZero.Count);
        Assert.All(conversationOfPairZero, d => Assert.Contains(d.Envelope["id"]!.GetValue<string>(), storedIds));
        Assert.Equal("Healthy", (await (await http.GetAsync("/health/ready")).Body(HttpStatusCode.OK))["status"]!.GetValue<string>());
    }
}
