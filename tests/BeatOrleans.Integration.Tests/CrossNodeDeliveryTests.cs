using System.Net;
using BeatOrleans.Api.Tests;

namespace BeatOrleans.Integration.Tests;

[Collection(LocalClusterGroup.Name)]
public sealed class CrossNodeDeliveryTests(LocalCluster cluster)
{
    [Fact]
    public async Task A_message_sent_on_one_node_reaches_every_connection_of_the_receiver_on_both_nodes_and_no_one_else()
    {
        var one = await cluster.Api(1);
        var two = await cluster.Api(2);
        using var httpOne = new HttpClient { BaseAddress = one };
        using var httpTwo = new HttpClient { BaseAddress = two };
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
        Assert.Equal("message", (await bobReceivedOnSocket.First("notification"))["kind"]!.GetValue<string>());
        await httpOne.Send(HttpMethod.Post, "/api/chat/send", alice.Token, new { receiver = carolAccount.Username, message = "marker" });
        await carolReceived.First("ReceiveMessage");
        Assert.Equal("marker", carolReceived.All[0].Payload["content"]!.GetValue<string>());

        await Task.WhenAll(bobOnTwo.DisposeAsync().AsTask(), bobOnOne.DisposeAsync().AsTask(), carolOnTwo.DisposeAsync().AsTask());
        bobSocket.Dispose();
    }
}
