using System.Net;
using BeatOrleans.Contracts.Chat;
using BeatOrleans.Contracts.Users;
using BeatOrleans.Outbox;
using Microsoft.Extensions.DependencyInjection;

namespace BeatOrleans.Api.Tests.Messaging;

/// <summary>The embedded default has no RabbitMQ: events have nowhere to go, and no producer keeps any.</summary>
public sealed class NoBrokerTests(MarketplaceHost host) : IClassFixture<MarketplaceHost>
{
    [Fact]
    public async Task Without_a_broker_signups_and_chat_messages_leave_nothing_in_any_outbox()
    {
        var http = host.CreateClient();
        var alice = await http.SignUp();
        var bob = await http.SignUp();
        var tokens = await http.LogIn(alice);
        var sent = await (await http.Send(
                HttpMethod.Post, "/api/chat/send", tokens.Token, new { receiver = bob.Username, message = "hi" }))
            .Body(HttpStatusCode.Created);
        var chatId = sent["chat_id"]!.GetValue<string>();
        var bobTokens = await http.LogIn(bob);
        // The message and its notification went all the way: stored, readable, in the receiver's inbox.
        var messages = await (await http.Send(HttpMethod.Get, $"/api/chat/messages/{chatId}", bobTokens.Token))
            .Body(HttpStatusCode.OK);
        Assert.Single(messages["messages"]!.AsArray());
        await Eventually.Holds(
            async () => (await (await http.Send(HttpMethod.Get, "/api/notifications", bobTokens.Token))
                .Body(HttpStatusCode.OK))["notifications"]!.AsArray().Count == 1,
            TimeSpan.FromSeconds(10), "the receiver's inbox did not get the message's notification");

        // A producer joins the outbox index before its first event is stored; with nothing recorded, none joined.
        var grains = host.Services.GetRequiredService<IGrainFactory>();
        var members = new List<GrainId>();
        for (var shard = 0; shard < EventOutbox.IndexShards; shard++)
        {
            members.AddRange(await grains.GetGrain<IOutboxIndexGrain>(shard).Claim(TimeSpan.Zero));
        }

        Assert.DoesNotContain(grains.GetGrain<IUserGrain>(alice.UserId).GetGrainId(), members);
        Assert.DoesNotContain(grains.GetGrain<IConversationGrain>(chatId).GetGrainId(), members);
        Assert.Empty(members);
    }
}
