using System.Net.WebSockets;
using BeatOrleans.Api.Tests.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BeatOrleans.Api.Tests.RealTime;

/// <summary>Every log entry captured, across restarts of the host.</summary>
public sealed class ShutdownLoggingHost() : MarketplaceHost([], services => services.AddSingleton<ILoggerProvider>(Log))
{
    public static CapturedLog Log { get; } = new();
}

/// <summary>
/// A stopping node tells its WebSocket clients it is going away (1001), so they reconnect and the stop does not wait
/// out Shutdown:Timeout (30 s) for sockets that would stay open and then stop the silo in a hurry.
/// </summary>
public sealed class ShutdownTests(ShutdownLoggingHost host) : IClassFixture<ShutdownLoggingHost>
{
    [Fact]
    public async Task A_stopping_node_closes_its_plain_websockets_as_going_away_ends_the_live_log_and_stops_in_order()
    {
        var http = host.CreateClient();
        var account = await http.SignUp();
        var tokens = await http.LogIn(account);
        var (notifications, _) = await LiveClients.ConnectSocket(host.BaseAddress,
            $"/ws/notifications/{tokens.UserId}", tokens.Token, "notification");
        var (chat, _) = await LiveClients.ConnectSocket(host.BaseAddress, $"/ws/chat/{tokens.UserId}", tokens.Token, "chat");
        // The dashboard's live log: a response that never ends (the embedded node opens it on loopback).
        using var trace = await http.GetAsync("/dashboard/Trace", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(System.Net.HttpStatusCode.OK, trace.StatusCode);
        var seen = ShutdownLoggingHost.Log.Lines.Count;

        var stopping = await host.Restart();

        foreach (var socket in new[] { notifications, chat })
        {
            var (status, reason) = await socket.WaitUntilClosed(TimeSpan.FromSeconds(5));
            Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, status);
            Assert.Equal("server restarting", reason);
            socket.Dispose();
        }

        var since = ShutdownLoggingHost.Log.Lines.Skip(seen).ToList();
        var hurried = since.Where(l => l.Contains("Shutdown timeout reached", StringComparison.Ordinal)
            || l.Contains("non-graceful", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.True(hurried.Count == 0, string.Join(Environment.NewLine, hurried));
        // Well inside the 30 s shutdown timeout it used to wait out (a bound, not a speed figure).
        Assert.True(stopping < TimeSpan.FromSeconds(15), $"the stop took {stopping.TotalSeconds:0.0} s");
    }
}
