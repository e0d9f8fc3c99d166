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

    /// <summary>The operator's login for the dashboard; with no password set, no one can log in outside embedded.</summary>
    public string Username { get; set; } = "operator";

    public string? Password { get; set; }
}

/// <summary>
/// HTTP Basic for operators: the dashboard is opened in a browser, which can answer a Basic challenge but not
/// attach a bearer token. Only the dashboard's routes use this scheme.
/// </summary>
internal sealed class OperatorAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptions<OperatorOptions> operators) : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, logger, encoder)
{
    public const string SchemeName = "Operator";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var expected = operators.Value;
        if (string.IsNullOrEmpty(expected.Password) || !TryDecode(header["Basic ".Length..], out var user, out var password))
        {
            return Task.FromResult(AuthenticateResult.Fail("Invalid operator credentials."));
        }

        var matches = FixedTimeEquals(user, expected.Username) & FixedTimeEquals(password, expected.Password);
        return Task.FromResult(matches
            ? AuthenticateResult.Success(new AuthenticationTicket(
                new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, user), new Claim(ClaimTypes.Role, "operator")], SchemeName)),
                SchemeName))
            : AuthenticateResult.Fail("Invalid operator credentials."));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Basic realm=\"BeatOrleans operators\", charset=\"UTF-8\"";
        return Problems.ProblemsExtensions.WriteProblem(Context, 401, "Operator login required.").AsTask();
    }

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
