using System.Buffers.Text;
using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using BeatOrleans.Api.RealTime;
using BeatOrleans.Api.Tests.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.AspNetCore.SignalR.Client;

namespace BeatOrleans.Api.Tests.Users;

/// <summary>The default host, with its log kept so that a failed check can say why.</summary>
public sealed class RevocationHost() : MarketplaceHost([], services => services.AddSingleton<ILoggerProvider>(Log))
{
    public static CapturedLog Log { get; } = new();
}

public sealed class RevocationTests(RevocationHost host) : IClassFixture<RevocationHost>
{
    /// <summary>"Within a few seconds": the revocation signal, not the 30 s session check, must close them.</summary>
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(10);

    private readonly HttpClient http = host.CreateClient();

    [Fact]
    public async Task Logout_closes_the_sessions_hub_and_sockets_and_the_users_other_session_keeps_receiving()
    {
        var alice = await http.LogIn(await http.SignUp());
        var bobAccount = await http.SignUp();
        var phone = await http.LogIn(bobAccount);
        var laptop = await http.LogIn(bobAccount);
        var (phoneHub, phoneOnHub) = await LiveClients.ConnectHub(host.BaseAddress, phone.Token);
        var (phoneChat, phoneOnChat) = await LiveClients.ConnectSocket(host.BaseAddress, $"/ws/chat/{phone.UserId}", phone.Token, "chat");
        var (phoneInbox, _) = await LiveClients.ConnectSocket(host.BaseAddress, $"/ws/notifications/{phone.UserId}", phone.Token, "notification");
        var (laptopHub, laptopOnHub) = await LiveClients.ConnectHub(host.BaseAddress, laptop.Token);
        var (laptopChat, laptopOnChat) = await LiveClients.ConnectSocket(host.BaseAddress, $"/ws/chat/{laptop.UserId}", laptop.Token, "chat");
        await Send(alice, bobAccount, "before");
        await phoneOnChat.First("chat", Content("before"));

        await (await http.Send(HttpMethod.Post, "/api/users/logout", phone.Token)).Body(HttpStatusCode.OK);

        await phoneHub.WaitUntilClosed(Soon);
        Assert.Equal((WebSocketCloseStatus.PolicyViolation, "session ended"), await phoneChat.WaitUntilClosed(Soon));
        Assert.Equal((WebSocketCloseStatus.PolicyViolation, "session ended"), await phoneInbox.WaitUntilClosed(Soon));
        await Send(alice, bobAccount, "after");
        await laptopOnHub.First("ReceiveMessage", Content("after"));
        await laptopOnChat.First("chat", Content("after"));
        Assert.Equal(HubConnectionState.Connected, laptopHub.State);
        Assert.DoesNotContain(phoneOnHub.All, m => Content("after")(m.Payload));
        Assert.DoesNotContain(phoneOnChat.All, m => Content("after")(m.Payload));
        await Task.WhenAll(phoneHub.DisposeAsync().AsTask(), laptopHub.DisposeAsync().AsTask());
        phoneChat.Dispose();
        phoneInbox.Dispose();
        laptopChat.Dispose();
    }

    [Fact]
    public async Task Reusing_a_refresh_token_closes_the_connections_of_that_session()
    {
        var first = await http.LogIn(await http.SignUp());
        var second = (await (await http.PostAsJsonAsync("/api/users/refresh", new { refresh_token = first.RefreshToken }))
            .Content.ReadFromJsonAsync<Tokens>(ApiClient.Json))!;
        var (hub, _) = await LiveClients.ConnectHub(host.BaseAddress, second.Token);
        var (socket, _) = await LiveClients.ConnectSocket(host.BaseAddress, $"/ws/notifications/{first.UserId}", first.Token, "notification");

        await (await http.PostAsJsonAsync("/api/users/refresh", new { refresh_token = first.RefreshToken })).Problem(HttpStatusCode.Unauthorized);

        await hub.WaitUntilClosed(Soon);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, (await socket.WaitUntilClosed(Soon)).Status);
        await hub.DisposeAsync();
        socket.Dispose();
    }

    [Fact]
    public async Task A_connection_that_registers_just_after_its_session_was_revoked_is_closed_at_once()
    {
        // A socket is accepted (its token checked) a moment before it registers for pushes; a logout in between
        // used to leave it open until the periodic session check, half a minute later.
        var account = await http.SignUp();
        var loggedOut = await http.LogIn(account);
        var stillIn = await http.LogIn(account);
        await (await http.Send(HttpMethod.Post, "/api/users/logout", loggedOut.Token)).Body(HttpStatusCode.OK);
        var relay = host.Services.GetRequiredService<PushRelay>();
        var late = new RecordedConnection(SessionOf(loggedOut.Token));
        var live = new RecordedConnection(SessionOf(stillIn.Token));

        await relay.Connected(account.UserId, late);
        await relay.Connected(account.UserId, live);

        Assert.True(late.Closed, $"the revoked session's connection is open; the relay's log: {RelayLog()}");
        Assert.False(live.Closed, $"the open session's connection was closed; the relay's log: {RelayLog()}");
        await relay.Disconnected(account.UserId, late);
        await relay.Disconnected(account.UserId, live);
    }

    private static string RelayLog() => string.Join(Environment.NewLine, RevocationHost.Log.Lines
        .Where(l => l.Contains("BeatOrleans.Api.RealTime", StringComparison.Ordinal)));

    /// <summary>The session id (sid) of an access token, read from its payload.</summary>
    private static string SessionOf(string accessToken)
    {
        var payload = accessToken.Split('.')[1];
        var json = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(payload));
        return JsonNode.Parse(json)!["sid"]!.GetValue<string>();
    }

    private sealed class RecordedConnection(string sessionId) : ILiveConnection
    {
        public string SessionId { get; } = sessionId;

        public bool Closed { get; private set; }

        public void CloseForEndedSession() => Closed = true;
    }

    private async Task Send(Tokens sender, Account receiver, string message) =>
        await (await http.Send(HttpMethod.Post, "/api/chat/send", sender.Token, new { receiver = receiver.Username, message }))
            .Body(HttpStatusCode.Created);

    private static Func<System.Text.Json.Nodes.JsonObject, bool> Content(string text) =>
        payload => payload["content"]?.GetValue<string>() == text;
}

/// <summary>Sessions that expire seconds after login, and nodes that check their connections' sessions every second.</summary>
public sealed class ShortSessionHost() : MarketplaceHost(new Dictionary<string, string?>
{
    ["Users:Sessions:RefreshTokenLifetime"] = "00:00:08",
    ["RealTime:SessionCheckInterval"] = "00:00:01",
});

public sealed class SessionExpiryTests(ShortSessionHost host) : IClassFixture<ShortSessionHost>
{
    private readonly HttpClient http = host.CreateClient();

    [Fact]
    public async Task A_connection_closes_when_its_session_expires_though_nothing_revoked_it()
    {
        var tokens = await http.LogIn(await http.SignUp());
        var (hub, _) = await LiveClients.ConnectHub(host.BaseAddress, tokens.Token);
        var (socket, _) = await LiveClients.ConnectSocket(host.BaseAddress, $"/ws/chat/{tokens.UserId}", tokens.Token, "chat");
        Assert.Equal(HubConnectionState.Connected, hub.State);

        // Expiry sends no signal: only the node's periodic session check can notice it.
        await hub.WaitUntilClosed(TimeSpan.FromSeconds(30));
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, (await socket.WaitUntilClosed(TimeSpan.FromSeconds(30))).Status);
        await hub.DisposeAsync();
        socket.Dispose();
    }
}
