using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace BeatOrleans.Api.Auth;

public sealed class OperatorOptions
{
    public const string Section = "Operators";

    /// <summary>Outside the embedded profile a password is at least this long (a generated one is 24).</summary>
    public const int MinPasswordLength = 12;

    /// <summary>The operator's login for the dashboard; with no password set, no one can log in outside embedded.</summary>
    public string Username { get; set; } = "operator";

    public string? Password { get; set; }

    /// <summary>Wrong logins one client address may make per <see cref="FailureWindow"/> before it must wait.</summary>
    public int MaxFailures { get; set; } = 10;

    public TimeSpan FailureWindow { get; set; } = TimeSpan.FromMinutes(15);
}

/// <summary>
/// Wrong operator logins per client address, in memory on this node: past <see cref="OperatorOptions.MaxFailures"/>
/// in <see cref="OperatorOptions.FailureWindow"/> the address is refused 429 until its oldest failure ages out, so the
/// password cannot be guessed at the speed of HTTP.
/// </summary>
internal sealed class OperatorLoginThrottle(IOptions<OperatorOptions> options, TimeProvider clock)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Queue<DateTimeOffset>> failures = new();
    private DateTimeOffset lastSweep;

    public TimeSpan? RetryAfter(string client)
    {
        if (!failures.TryGetValue(client, out var times))
        {
            return null;
        }

        lock (times)
        {
            Forget(times);
            return times.Count < options.Value.MaxFailures
                ? null
                : times.Peek() + options.Value.FailureWindow - clock.GetUtcNow();
        }
    }

    /// <summary>
    /// The key failures are counted under: an IPv4 address, or an IPv6 address's /64 (one subscriber's prefix, which
    /// holds more addresses than anyone could try).
    /// </summary>
    public static string ClientOf(System.Net.IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? Convert.ToHexString(address.GetAddressBytes(), 0, 8) + "::/64"
            : address.ToString();
    }

    public void Failed(string client)
    {
        var now = clock.GetUtcNow();
        if (failures.Count > 100_000 && now - lastSweep > TimeSpan.FromMinutes(1))
        {
            lastSweep = now;
            // Many addresses at once: addresses whose failures have aged out go; the others are kept, so no one's
            // count is reset by a flood of others.
            foreach (var (key, other) in failures)
            {
                lock (other)
                {
                    Forget(other);
                    if (other.Count == 0)
                    {
                        failures.TryRemove(key, out _);
                    }
                }
            }
        }

        var times = failures.GetOrAdd(client, _ => new Queue<DateTimeOffset>());
        lock (times)
        {
            Forget(times);
            times.Enqueue(clock.GetUtcNow());
        }
    }

    private void Forget(Queue<DateTimeOffset> times)
    {
        var horizon = clock.GetUtcNow() - options.Value.FailureWindow;
        while (times.Count > 0 && times.Peek() <= horizon)
        {
            times.Dequeue();
        }
    }
}

/// <summary>
/// HTTP Basic for operators: the dashboard is opened in a browser, which can answer a Basic challenge but not
/// attach a bearer token. Only the dashboard's routes use this scheme.
/// </summary>
internal sealed partial class OperatorAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptions<OperatorOptions> operators,
    OperatorLoginThrottle throttle) : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, logger, encoder)
{
    public const string SchemeName = "Operator";

    private static readonly object Throttled = new();

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var client = OperatorLoginThrottle.ClientOf(Context.Connection.RemoteIpAddress);
        if (throttle.RetryAfter(client) is { } wait)
        {
            Context.Items[Throttled] = wait;
            return Task.FromResult(AuthenticateResult.Fail("Too many wrong operator logins."));
        }

        var expected = operators.Value;
        var matches = !string.IsNullOrEmpty(expected.Password)
            && TryDecode(header["Basic ".Length..], out var user, out var password)
            && FixedTimeEquals(user, expected.Username) & FixedTimeEquals(password, expected.Password);
        if (!matches)
        {
            throttle.Failed(client);
            LogWrongLogin(Logger, client, Request.Path.Value ?? "");
            return Task.FromResult(AuthenticateResult.Fail("Invalid operator credentials."));
        }

        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(
            new ClaimsPrincipal(new ClaimsIdentity(
                [new Claim(ClaimTypes.Name, expected.Username), new Claim(ClaimTypes.Role, "operator")], SchemeName)),
            SchemeName)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Context.Items[Throttled] is TimeSpan wait)
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
            Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Problems.ProblemsExtensions.WriteProblem(Context, StatusCodes.Status429TooManyRequests,
                "Too many wrong operator logins.", $"Try again in {seconds} s.").AsTask();
        }

        Response.Headers.WWWAuthenticate = "Basic realm=\"BeatOrleans operators\", charset=\"UTF-8\"";
        return Problems.ProblemsExtensions.WriteProblem(Context, 401, "Operator login required.").AsTask();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Wrong operator login from {Client} on {Path}")]
    private static partial void LogWrongLogin(ILogger logger, string client, string path);

    private static bool TryDecode(string encoded, out string user, out string password)
    {
        user = password = "";
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(encoded.Trim()));
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                return false;
            }

            (user, password) = (text[..colon], text[(colon + 1)..]);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(a)), SHA256.HashData(Encoding.UTF8.GetBytes(b)));
}
