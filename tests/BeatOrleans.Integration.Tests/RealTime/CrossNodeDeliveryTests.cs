using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.SignalR.Client;

namespace BeatOrleans.Integration.Tests.RealTime;

[Collection(LocalClusterGroup.Name)]
public sealed class CrossNodeDeliveryTests(LocalCluster cluster)
{
    [Fact]
    public async Task A_message_sent_on_one_node_reaches_every_connection_of_the_receiver_on_both_nodes_and_no_one_else()
    {
        using var nodes = await Nodes.Of(cluster);
        var (one, two, httpOne, httpTwo) = (nodes.One, nodes.Two, nodes.HttpOne, nodes.HttpTwo);
        var alice = await httpOne.LogIn(await httpOne.SignUp());
        var bobAccount = await httpTwo.SignUp();
        var bob = await httpTwo.LogIn(bobAccount);
        var carolAccount = await httpTwo.SignUp();
        var carol = await httpTwo.LogIn(carolAccount);
        var (bobOnTwo, bobReceivedOnTwo) = await LiveClients.ConnectHub(two, bob.Token);
        var (bobOnOne, bobReceivedOnOne) = await LiveClients.ConnectHub(one, bob.Token);
        var (bobSocket, bobReceivedOnSocket) = await LiveClients.ConnectSocket(two, $"/ws/notifications/{bob.UserId}", bob.Token, "notification");
        var (carolOnTwo, carolReceived) = await LiveClients.ConnectHub(two, carol.Token);

        await (await httpOne.Send(HttpMethod.Post, "/api/chat/send", alice.Token, new { receiver = bobAccount.Username, message = "across nodes" }))
            .Body(HttpStatusCode.Created);

        Assert.Equal("across nodes", (await bobReceivedOnTwo.First("ReceiveMessage"))["content"]!.GetValue<string>());
        Assert.Equal("across nodes", (await bobReceivedOnOne.First("ReceiveMessage"))["content"]!.GetValue<string>());
        var bobsNotification = await bobReceivedOnSocket.First("notification");
        Assert.Equal("message", bobsNotification["kind"]!.GetValue<string>());
        await httpOne.Send(HttpMethod.Post, "/api/chat/send", alice.Token, new { receiver = carolAccount.Username, message = "marker" });
        await carolReceived.First("ReceiveMessage");
        // The message and its notification reach carol in either order; neither may be about bob's message.
        Assert.Equal(["marker"], carolReceived.All.Where(i => i.Method == "ReceiveMessage")
            .Select(i => i.Payload["content"]!.GetValue<string>()));
        Assert.DoesNotContain(carolReceived.All, i => i.Method == "ReceiveNotification"
            && i.Payload["notification_id"]!.GetValue<string>() == bobsNotification["notification_id"]!.GetValue<string>());

        await Task.WhenAll(bobOnTwo.DisposeAsync().AsTask(), bobOnOne.DisposeAsync().AsTask(), carolOnTwo.DisposeAsync().AsTask());
        bobSocket.Dispose();
    }

    [Fact]
    public async Task Logout_on_one_node_closes_the_sessions_connections_on_the_other_node_within_seconds()
    {
        using var nodes = await Nodes.Of(cluster);
        var (one, two, httpOne, httpTwo) = (nodes.One, nodes.Two, nodes.HttpOne, nodes.HttpTwo);
        var alice = await httpOne.LogIn(await httpOne.SignUp());
        var bobAccount = await httpTwo.SignUp();
        var phone = await httpTwo.LogIn(bobAccount);
        var laptop = await httpTwo.LogIn(bobAccount);
        var (phoneHub, phoneReceived) = await LiveClients.ConnectHub(two, phone.Token);
        var (phoneSocket, _) = await LiveClients.ConnectSocket(two, $"/ws/chat/{phone.UserId}", phone.Token, "chat");
        var (laptopHub, laptopReceived) = await LiveClients.ConnectHub(two, laptop.Token);
        await Send(httpOne, alice, bobAccount, "before");
        await phoneReceived.First("ReceiveMessage");

        await (await httpOne.Send(HttpMethod.Post, "/api/users/logout", phone.Token)).Body(HttpStatusCode.OK);

        // Well inside the nodes' 30 s session check: this is the revocation signal crossing the cluster.
        await phoneHub.WaitUntilClosed(TimeSpan.FromSeconds(10));
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, (await phoneSocket.WaitUntilClosed(TimeSpan.FromSeconds(10))).Status);
        await Send(httpOne, alice, bobAccount, "after");
        await laptopReceived.First("ReceiveMessage", m => m["content"]!.GetValue<string>() == "after");
        Assert.Equal(HubConnectionState.Connected, laptopHub.State);
        Assert.DoesNotContain(phoneReceived.All, m => m.Payload["content"]?.GetValue<string>() == "after");

        await Task.WhenAll(phoneHub.DisposeAsync().AsTask(), laptopHub.DisposeAsync().AsTask());
        phoneSocket.Dispose();
    }

    /// <summary>The two API nodes of the cluster, each with a client of its own.</summary>
    private sealed record Nodes(Uri One, Uri Two, HttpClient HttpOne, HttpClient HttpTwo) : IDisposable
    {
        public static async Task<Nodes> Of(LocalCluster cluster)
        {
            var (one, two) = (await cluster.Api(1), await cluster.Api(2));
            return new Nodes(one, two, new HttpClient { BaseAddress = one }, new HttpClient { BaseAddress = two });
        }

        public void Dispose()
        {
            HttpOne.Dispose();
            HttpTwo.Dispose();
        }
    }

    private static async Task Send(HttpClient node, Tokens sender, Account receiver, string message) =>
        await (await node.Send(HttpMethod.Post, "/api/chat/send", sender.Token, new { receiver = receiver.Username, message }))
            .Body(HttpStatusCode.Created);
}
