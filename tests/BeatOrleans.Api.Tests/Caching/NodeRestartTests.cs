using System.Net;
using BeatOrleans.Api.Tests.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BeatOrleans.Api.Tests.Caching;

/// <summary>The default log levels, every entry captured, across restarts of the host.</summary>
public sealed class RestartLoggingHost() : MarketplaceHost([], services => services.AddSingleton<ILoggerProvider>(Log))
{
    public static CapturedLog Log { get; } = new();
}

/// <summary>
/// An API node registers with <c>NodeCachesGrain</c> to hear of logouts and profile changes. A node that stops leaves
/// that list: before, the next process's logouts and profile changes each asked the stopped one first (Orleans'
/// placement retries, an Error log entry, about 0.6 s a request measured with four stopped nodes listed) until its
/// registration lapsed three minutes later.
/// </summary>
public sealed class NodeRestartTests(RestartLoggingHost host) : IClassFixture<RestartLoggingHost>
{
    [Fact]
    public async Task After_a_restart_profile_changes_and_logouts_ask_no_node_of_the_stopped_process()
    {
        var http = host.CreateClient();
        var account = await http.SignUp();
        var token = (await http.LogIn(account)).Token;
        await (await Update(http, token, "before")).Body(HttpStatusCode.OK);

        await host.Restart();
        var seen = RestartLoggingHost.Log.Lines.Count;
        http = host.CreateClient();
        token = (await http.LogIn(account)).Token;
        await (await Update(http, token, "after")).Body(HttpStatusCode.OK);
        await (await http.Send(HttpMethod.Post, "/api/users/logout", token, new { })).Body(HttpStatusCode.OK);

        var since = RestartLoggingHost.Log.Lines.Skip(seen).ToList();
        var asked = since.Where(l => l.Contains("NodeCachesGrain", StringComparison.Ordinal)
            || l.StartsWith("Error", StringComparison.Ordinal)
            || l.StartsWith("Critical", StringComparison.Ordinal)).ToList();
        Assert.True(asked.Count == 0, $"after the restart: {string.Join(Environment.NewLine, asked)}");
    }

    private static Task<HttpResponseMessage> Update(HttpClient http, string token, string bio) =>
        http.Send(HttpMethod.Put, "/api/users/profile/update", token, new { bio });
}
