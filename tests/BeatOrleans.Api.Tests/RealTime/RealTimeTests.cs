using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace BeatOrleans.Api.Tests.RealTime;

public sealed class RealTimeTests(MarketplaceHost host) : IClassFixture<MarketplaceHost>
{
    private readonly HttpClient http = host.CreateClient();

    [Fact]
    public async Task A_message_sent_over_rest_reaches_the_receiver_on_the_hub_and_both_sockets_and_no_one_else()
    {
        var alice = await http.LogIn(await http.SignUp());
        var bobAccount = await http.SignUp();
        var bob = await http.LogIn(bobAccount);
        var carolAccount = await http.SignUp();
        var carol = await http.LogIn(carolAccount);
        var (bobHub, bobOnHub) = await LiveClients.ConnectHub(host.BaseAddress, bob.Token);
        var (carolHub, carolOnHub) = await LiveClients.ConnectHub(host.BaseAddress, carol.Token);
        var (chatSocket, bobOnChatSocket) = await LiveClients.ConnectSocket(host.BaseAddress, $"/ws/chat/{bob.UserId}", bob.Token, "chat");
        var (inboxSocket, bobOnInboxSocket) = await LiveClients.ConnectSocket(host.BaseAddress, $"/ws/notifications/{bob.UserId}", bob.Token, "notification");

        await (await http.Send(HttpMethod.Post, "/api/chat/send", alice.Token, new { receiver = bobAccount.Username, message = "Let's collaborate!" }))
            .Body(HttpStatusCode.Created);

        var onHub = await bobOnHub.First("ReceiveMessage");
        Assert.Equal("real-time message", onHub["type"]!.GetValue<string>());
        Assert.Equal("Let's collaborate!", onHub["content"]!.GetValue<string>());
        Assert.Equal($"New message from {alice.Username}", onHub["message"]!.GetValue<string>());
        Assert.Equal("Let's collaborate!", (await bobOnChatSocket.First("chat"))["content"]!.GetValue<string>());
        var notification = await bobOnHub.First("ReceiveNotification");
        Assert.Equal("real-time notification", notification["type"]!.GetValue<string>());
        Assert.Equal("message", notification["kind"]!.GetValue<string>());
        Assert.Equal("unread", notification["status"]!.GetValue<string>());
        Assert.Equal(notification["notification_id"]!.GetValue<string>(), (await bobOnInboxSocket.First("notification"))["notification_id"]!.GetValue<string>());

        // A marker sent to Carol afterwards must be the only message she ever receives (its message and its
        // notification come in either order), and Bob's notification never reaches her.
        await http.Send(HttpMethod.Post, "/api/chat/send", alice.Token, new { receiver = carolAccount.Username, message = "marker" });
        await carolOnHub.First("ReceiveMessage");
        Assert.Equal(["marker"], carolOnHub.All.Where(i => i.Method == "ReceiveMessage")
            .Select(i => i.Payload["content"]!.GetValue<string>()));
        Assert.DoesNotContain(carolOnHub.All, i => i.Method == "ReceiveNotification"
            && i.Payload["notification_id"]!.GetValue<string>() == notification["notification_id"]!.GetValue<string>());
        Assert.DoesNotContain(bobOnChatSocket.All, m => m.Payload["content"]?.GetValue<string>() == "marker");

        await Task.WhenAll(bobHub.DisposeAsync().AsTask(), carolHub.DisposeAsync().AsTask());
        chatSocket.Dispose();
        inboxSocket.Dispose();
    }

    [Fact]
    public async Task A_message_sent_through_the_hub_is_stored_and_pushed_to_every_connection_of_the_receiver()
    {
        var alice = await http.LogIn(await http.SignUp());
        var bobAccount = await http.SignUp();
        var bob = await http.LogIn(bobAccount);
        var (aliceHub, _) = await LiveClients.ConnectHub(host.BaseAddress, alice.Token);
        var (bobPhone, bobOnPhone) = await LiveClients.ConnectHub(host.BaseAddress, bob.Token);
        var (bobLaptop, bobOnLaptop) = await LiveClients.ConnectHub(host.BaseAddress, (await http.LogIn(bobAccount)).Token);

        var sent = await aliceHub.InvokeAsync<System.Text.Json.Nodes.JsonObject>("SendMessage", bobAccount.Username, "via the hub");

        Assert.Equal("via the hub", (await bobOnPhone.First("ReceiveMessage"))["content"]!.GetValue<string>());
        Assert.Equal("via the hub", (await bobOnLaptop.First("ReceiveMessage"))["content"]!.GetValue<string>());
        var stored = await (await http.Send(HttpMethod.Get, $"/api/chat/messages/{sent["chat_id"]}", bob.Token)).Body(HttpStatusCode.OK);
        Assert.Equal("via the hub", stored["messages"]![0]!["content"]!.GetValue<string>());
        await Task.WhenAll(aliceHub.DisposeAsync().AsTask(), bobPhone.DisposeAsync().AsTask(), bobLaptop.DisposeAsync().AsTask());
    }

    [Fact]
    public async Task The_hub_refuses_a_bad_message_with_an_error_and_keeps_the_connection()
    {
        var alice = await http.LogIn(await http.SignUp());
        var bob = await http.SignUp();
        var (hub, _) = await LiveClients.ConnectHub(host.BaseAddress, alice.Token);

        await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<object>("SendMessage", bob.Username, ""));
        await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<object>("SendMessage", "nobody_" + Guid.NewGuid().ToString("N")[..8], "hi"));

        Assert.Equal(HubConnectionState.Connected, hub.State);
        await hub.InvokeAsync<object>("SendMessage", bob.Username, "fine");
        await hub.DisposeAsync();
    }

    [Fact]
    public async Task The_hub_and_sockets_refuse_a_missing_or_foreign_token()
    {
        var alice = await http.LogIn(await http.SignUp());
        var bob = await http.LogIn(await http.SignUp());

        await Assert.ThrowsAnyAsync<Exception>(() => LiveClients.ConnectHub(host.BaseAddress, "not-a-token"));
        var foreign = await Assert.ThrowsAsync<WebSocketException>(() => LiveClients.ConnectSocket(host.BaseAddress, $"/ws/chat/{bob.UserId}", alice.Token, "x"));
        Assert.Contains("403", foreign.Message, StringComparison.Ordinal);
        var anonymous = await Assert.ThrowsAsync<WebSocketException>(() => LiveClients.ConnectSocket(host.BaseAddress, $"/ws/notifications/{bob.UserId}", "", "x"));
        Assert.Contains("401", anonymous.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_access_token_in_the_query_string_is_refused_outside_the_real_time_paths()
    {
        var tokens = await http.LogIn(await http.SignUp());

        var response = await http.GetAsync($"/api/users/profile?access_token={tokens.Token}");

        await response.Problem(HttpStatusCode.Unauthorized);
    }
}
