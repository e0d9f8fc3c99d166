using BeatOrleans.Api.Tests.Security;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BeatOrleans.Api.Tests.RealTime;

/// <summary>The default log levels, with every entry captured.</summary>
public sealed class CapturingHost() : MarketplaceHost([], services => services.AddSingleton<ILoggerProvider>(Log))
{
    public static CapturedLog Log { get; } = new();
}

public sealed class HubRefusalLogTests(CapturingHost host) : IClassFixture<CapturingHost>
{
    [Fact]
    public async Task A_hub_send_the_api_refuses_is_an_error_for_the_caller_but_not_in_the_error_log()
    {
        var http = host.CreateClient();
        var receiver = await http.SignUp();
        var (hub, _) = await LiveClients.ConnectHub(host.BaseAddress, (await http.LogIn(await http.SignUp())).Token);
        await using var _ = hub;

        var nobody = $"nobody_{Guid.NewGuid():N}"[..20];
        var unknown = await Assert.ThrowsAsync<HubException>(
            () => hub.InvokeAsync<object>("SendMessage", nobody, "hi"));
        var empty = await Assert.ThrowsAsync<HubException>(
            () => hub.InvokeAsync<object>("SendMessage", receiver.Username, ""));
        var sent = await hub.InvokeAsync<System.Text.Json.Nodes.JsonObject>("SendMessage", receiver.Username, "hi");

        Assert.Contains("UnknownReceiver", unknown.Message, StringComparison.Ordinal);
        Assert.NotEqual(unknown.Message, empty.Message);
        Assert.Equal("hi", sent["content"]!.GetValue<string>());
        var errors = CapturingHost.Log.Lines
            .Where(l => l.StartsWith("Error", StringComparison.Ordinal)
                || l.StartsWith("Critical", StringComparison.Ordinal))
            .ToList();
        Assert.True(errors.Count == 0, $"error log entries: {string.Join(Environment.NewLine, errors)}");
    }
}
