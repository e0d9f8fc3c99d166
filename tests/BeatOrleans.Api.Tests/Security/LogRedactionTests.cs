using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BeatOrleans.Api.Tests.Security;

/// <summary>Every log entry the host writes, with its structured values, scopes and exception, as one line.</summary>
public sealed class CapturedLog : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<string> lines = new();
    private IExternalScopeProvider? scopes;

    public IReadOnlyList<string> Lines => [.. lines];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => log.scopes?.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(' ', pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            var scopeText = new List<string>();
            log.scopes?.ForEachScope((scope, list) => list.Add(scope?.ToString() ?? ""), scopeText);
            log.lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} | {values} | {string.Join(" => ", scopeText)} | {exception}");
        }
    }
}

public sealed class DebugLoggingHost() : MarketplaceHost(
    new()
    {
        ["Logging:LogLevel:Default"] = "Trace",
        ["Logging:LogLevel:Microsoft"] = "Trace",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
        ["Logging:LogLevel:System"] = "Trace",
        // Orleans at Trace logs its own machinery by the megabyte and never sees an HTTP request; it keeps its level.
        ["Logging:LogLevel:Orleans"] = "Information",
        ["Logging:Console:IncludeScopes"] = "true",
        // The access log and the JSON console are on too: their entries go through the same redaction.
        ["Telemetry:AccessLog"] = "true",
        ["Telemetry:LogFormat"] = "json",
    },
    services => services.AddSingleton<ILoggerProvider>(Log))
{
    public static CapturedLog Log { get; } = new();
}

/// <summary>With every framework category at Trace, no credential a client sends or receives reaches a log.</summary>
public sealed class LogRedactionTests(DebugLoggingHost host) : IClassFixture<DebugLoggingHost>
{
    private readonly HttpClient http = host.CreateClient();

    [Fact]
    public async Task Tokens_passwords_and_url_signatures_never_reach_a_log_line()
    {
        var account = await http.SignUp();
        var first = await http.LogIn(account);
        var refreshed = await (await http.PostAsJsonAsync("/api/users/refresh", new { refresh_token = first.RefreshToken })).Content.ReadFromJsonAsync<Tokens>(ApiClient.Json);
        var token = refreshed!.Token;
        var (hub, _) = await LiveClients.ConnectHub(host.BaseAddress, token);
        var (socket, _) = await LiveClients.ConnectSocket(host.BaseAddress, $"/ws/notifications/{account.UserId}", token, "notification");
        var grant = await http.PostJson("/api/beats/upload-url", token, new { }, HttpStatusCode.OK);
        var uploadUrl = grant["upload_url"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.OK, (await http.PutAsync(uploadUrl, new ByteArrayContent(await File.ReadAllBytesAsync(await Audio.Tone(220, 1, "wav"))))).StatusCode);
        // A refused signature and a refused token are logged too, at Debug: they must not be echoed either.
        await http.PutAsync(uploadUrl.Replace("sig=", "sig=x", StringComparison.Ordinal), new ByteArrayContent([1]));
        await http.GetAsync($"/ws/chat/{account.UserId}?access_token={first.Token}x");
        await hub.DisposeAsync();
        socket.Dispose();
        await http.Send(HttpMethod.Post, "/api/users/logout", token, new { });

        var signature = uploadUrl[(uploadUrl.IndexOf("sig=", StringComparison.Ordinal) + 4)..];
        var secrets = new Dictionary<string, string>
        {
            ["first access token"] = first.Token,
            ["access token"] = token,
            ["first refresh token"] = first.RefreshToken,
            ["refresh token"] = refreshed.RefreshToken,
            ["password"] = account.Password,
            ["upload URL signature"] = signature,
            // The JWT's signature part: a log that cut the token short would still hand it out.
            ["token signature"] = token.Split('.')[2],
        };
        // A WebSocket request's access-log entry is written when the server has ended it, a moment after the client
        // closed: once seen (a full run once looked before it was there), every line is checked.
        var lines = await Eventually.Holds(
            () => Task.FromResult(DebugLoggingHost.Log.Lines),
            all => all.Any(l => l.Contains("BeatOrleans.AccessLog", StringComparison.Ordinal)
                && l.Contains("/ws/notifications/{user_id}", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(10), _ => "the WebSocket request's access-log entry never came");
        Assert.Contains(lines, l => l.Contains("/ws/notifications/", StringComparison.Ordinal)); // the requests were logged at all
        foreach (var (name, secret) in secrets)
        {
            var leak = lines.FirstOrDefault(l => l.Contains(secret, StringComparison.Ordinal));
            Assert.True(leak is null, $"the {name} is in a log line: {leak}");
        }
    }
}
