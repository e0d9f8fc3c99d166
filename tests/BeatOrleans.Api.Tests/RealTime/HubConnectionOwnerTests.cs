using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace BeatOrleans.Api.Tests.RealTime;

/// <summary>
/// A SignalR connection carries one user. Long polling and server-sent events name a connection by its token in the
/// URL on every request, and ASP.NET Core ran a send as the connection's user whoever posted it: another user holding
/// the token polled the connection (reading its owner's pushes) and sent on it as its owner. The hub takes WebSockets
/// only, where the connection is one authenticated request.
/// </summary>
public sealed class HubConnectionOwnerTests(MarketplaceHost host) : IClassFixture<MarketplaceHost>
{
    private const string Handshake = "{\"protocol\":\"json\",\"version\":1}\u001e";

    private readonly HttpClient http = host.CreateClient();

    [Fact]
    public async Task Another_user_with_the_connection_token_can_neither_poll_nor_send_on_the_connection()
    {
        var alice = await http.LogIn(await http.SignUp());
        var bob = await http.LogIn(await http.SignUp());
        // The hub's transport requests are not part of the OpenAPI document: a plain client, not the contract's.
        using var raw = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        const string negotiate = "/hubs/marketplace/negotiate?negotiateVersion=1";
        using var negotiated = await Send(raw, HttpMethod.Post, negotiate, alice.Token);
        var offer = (await negotiated.Content.ReadFromJsonAsync<JsonObject>())!;
        var transports = offer["availableTransports"]!.AsArray().Select(t => t!["transport"]!.GetValue<string>());
        Assert.Equal(["WebSockets"], transports);
        var id = offer["connectionToken"]!.GetValue<string>();
        // Neither the connection's owner nor anyone else gets a long poll on it, nor a send; routing takes the path
        // in any case and with a final '/', and so does the refusal.
        string[] spellings = ["/hubs/marketplace", "/hubs/Marketplace", "/HUBS/MARKETPLACE", "/hubs/marketplace/"];
        foreach (var path in spellings)
        {
            var connection = $"{path}?id={Uri.EscapeDataString(id)}";
            foreach (var token in new[] { alice.Token, bob.Token })
            {
                using var polled = await Send(raw, HttpMethod.Get, connection, token);
                using var sent = await Send(raw, HttpMethod.Post, connection, token, Handshake);
                Assert.True(polled.StatusCode >= HttpStatusCode.BadRequest, $"a poll of {path}: {polled.StatusCode}");
                Assert.True(sent.StatusCode >= HttpStatusCode.BadRequest, $"a send to {path}: {sent.StatusCode}");
            }
        }

        // The owner's client connects as usual (over a WebSocket) and receives.
        var (hub, received) = await LiveClients.ConnectHub(host.BaseAddress, alice.Token);
        await using var _ = hub;
        var aliceAccount = await (await http.Send(HttpMethod.Get, "/api/users/profile", alice.Token))
            .Body(HttpStatusCode.OK);
        var message = new { receiver = aliceAccount["username"]!.GetValue<string>(), message = "hi" };
        await (await http.Send(HttpMethod.Post, "/api/chat/send", bob.Token, message)).Body(HttpStatusCode.Created);
        Assert.Equal("hi", (await received.First("ReceiveMessage"))["content"]!.GetValue<string>());
    }

    private static Task<HttpResponseMessage> Send(HttpClient client, HttpMethod method, string path, string token,
        string? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "text/plain");
        }

        return client.SendAsync(request);
    }
}
