using System.Net;
using System.Net.WebSockets;
using BeatOrleans.Api.RealTime;
using Microsoft.Extensions.DependencyInjection;

namespace BeatOrleans.Api.Tests.RealTime;

/// <summary>A host where one user may hold two live connections.</summary>
public sealed class TwoConnectionsHost() : MarketplaceHost(new() { ["RealTime:MaxConnectionsPerUser"] = "2" });

/// <summary>What one user's live connections may cost a node: a bounded number, reading no messages.</summary>
public sealed class LiveConnectionLimitTests(TwoConnectionsHost host) : IClassFixture<TwoConnectionsHost>
{
    private readonly HttpClient http = host.CreateClient();

    private async Task<ClientWebSocket> Socket(Tokens user)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        var uri = new UriBuilder(host.BaseAddress)
        {
            Scheme = "ws", Path = $"/ws/notifications/{user.UserId}", Query = $"access_token={user.Token}",
        }.Uri;
        await socket.ConnectAsync(uri, CancellationToken.None);
        return socket;
    }

    [Fact]
    public async Task A_user_opening_connections_in_a_loop_is_refused_past_the_limit_and_others_are_not()
    {
        var user = await http.LogIn(await http.SignUp());
        var other = await http.LogIn(await http.SignUp());
        var (hub, _) = await LiveClients.ConnectHub(host.BaseAddress, user.Token);
        await using var _ = hub;
        using var first = await Socket(user);

        // SignalR answers the handshake before the hub's OnConnectedAsync registers the connection, and a socket is
        // registered after its upgrade: wait until the node counts both.
        var relay = host.Services.GetRequiredService<PushRelay>();
        Assert.True(
            await Eventually.Until(() => relay.IsFull(user.UserId), TimeSpan.FromSeconds(10)),
            "the node never counted the hub and the socket");

        // The third is refused 429 before the upgrade, a raw WebSocket or the hub's.
        using var refused = new ClientWebSocket();
        refused.Options.CollectHttpResponseDetails = true;
        var uri = new UriBuilder(host.BaseAddress)
        {
            Scheme = "ws", Path = $"/ws/chat/{user.UserId}", Query = $"access_token={user.Token}",
        }.Uri;
        await Assert.ThrowsAsync<WebSocketException>(() => refused.ConnectAsync(uri, CancellationToken.None));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.HttpStatusCode);
        var failed = await Record.ExceptionAsync(() => LiveClients.ConnectHub(host.BaseAddress, user.Token));
        Assert.NotNull(failed);
        Assert.Contains("429", failed.Message, StringComparison.Ordinal);

        // The limit is the user's own.
        using var theirs = await Socket(other);
        Assert.Equal(WebSocketState.Open, theirs.State);

        // A connection closed frees its place.
        await first.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        using var again = await Eventually.Holds<ClientWebSocket?>(
            async () =>
            {
                try
                {
                    return await Socket(user);
                }
                catch (WebSocketException)
                {
                    return null;
                }
            },
            socket => socket is not null, TimeSpan.FromSeconds(10), _ => "no place was freed");
        Assert.Equal(WebSocketState.Open, again!.State);
    }

    [Fact]
    public async Task A_socket_that_is_sent_a_large_message_is_closed_not_read_forever()
    {
        var user = await http.LogIn(await http.SignUp());
        using var socket = await Socket(user);

        var large = new byte[256 * 1024];
        await socket.SendAsync(large, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

        var buffer = new byte[4096];
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        WebSocketReceiveResult received;
        do
        {
            received = await socket.ReceiveAsync(buffer, patience.Token);
        }
        while (received.MessageType != WebSocketMessageType.Close);
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, received.CloseStatus);
    }
}
