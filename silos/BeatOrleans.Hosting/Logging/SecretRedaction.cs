using System.Text.RegularExpressions;

namespace BeatOrleans.Hosting.Logging;

/// <summary>
/// Removes credentials from text bound for a log: query parameters that grant access (SignalR and WebSocket clients
/// send <c>?access_token=</c>, signed URLs carry <c>sig=</c>, presigned S3 URLs <c>X-Amz-Signature=</c>), bearer and
/// basic credentials, JWTs anywhere, and Stripe secrets. Whatever a framework or library chooses to log at whatever
/// level, these never reach a sink.
/// </summary>
public static partial class SecretRedaction
{
    public const string Mask = "[redacted]";

    /// <summary><paramref name="text"/> with every credential replaced by <see cref="Mask"/>.</summary>
    public static string Redact(string text)
    {
        if (!MayHoldSecret(text))
        {
            return text;
        }

        text = SecretParameter().Replace(text, m => $"{m.Groups["name"].Value}{m.Groups["sep"].Value}{Mask}");
        text = Credential().Replace(text, m => $"{m.Groups["scheme"].Value} {Mask}");
        text = Jwt().Replace(text, Mask);
        return StripeSecret().Replace(text, Mask);
    }

    /// <summary>A cheap first look: most log lines hold none of the markers, and skip the expressions.</summary>
    private static bool MayHoldSecret(string text) =>
        text.Contains('=', StringComparison.Ordinal) || text.Contains(':', StringComparison.Ordinal)
        || text.Contains("eyJ", StringComparison.Ordinal) || text.Contains("Bearer", StringComparison.OrdinalIgnoreCase)
        || text.Contains("Basic", StringComparison.OrdinalIgnoreCase) || text.Contains("_secret", StringComparison.Ordinal)
        || text.Contains("sk_", StringComparison.Ordinal) || text.Contains("whsec_", StringComparison.Ordinal);

    // Query or form parameters, and JSON-ish "name":"value" pairs, whose value is a credential.
    [GeneratedRegex("""(?<name>(?:access_token|refresh_token|id_token|token|password|passwd|secret|client_secret|sig|signature|x-amz-signature|x-amz-credential|x-amz-security-token|api_key|apikey|key_secret)["']?)(?<sep>\s*[=:]\s*["']?)(?!\[redacted\])[^&\s"',;}]+""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretParameter();

    [GeneratedRegex(@"(?<scheme>\b(?:Bearer|Basic))\s+(?!\[redacted\])[A-Za-z0-9\-._~+/]+=*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Credential();

    [GeneratedRegex(@"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*", RegexOptions.CultureInvariant)]
    private static partial Regex Jwt();

    // Stripe secret and restricted keys, webhook secrets, and PaymentIntent client secrets.
    [GeneratedRegex(@"\b(?:sk|rk)_(?:test|live)_[A-Za-z0-9]+|\bwhsec_[A-Za-z0-9]+|\b[a-z]{2,4}_[A-Za-z0-9]+_secret_[A-Za-z0-9]+", RegexOptions.CultureInvariant)]
    private static partial Regex StripeSecret();
}
