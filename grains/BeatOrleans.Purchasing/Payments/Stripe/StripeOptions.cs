namespace BeatOrleans.Purchasing.Payments.Stripe;

/// <summary>
/// Section <c>Payments:Stripe</c>, read when <c>Payments:Provider</c> is <c>stripe</c>.
/// <list type="table">
/// <item><term><c>SecretKey</c></term><description>Required. The secret (<c>sk_test_...</c>, <c>sk_live_...</c>) or restricted (<c>rk_...</c>) API key; from a secret store, never from a committed file.</description></item>
/// <item><term><c>WebhookSecret</c></term><description>Required. The webhook endpoint's signing secret (<c>whsec_...</c>), shown on the endpoint in the Dashboard or printed by <c>stripe listen</c>.</description></item>
/// <item><term><c>ApiBase</c></term><description>Default <c>https://api.stripe.com</c>. Tests point it at a local fake.</description></item>
/// <item><term><c>PublishableKey</c></term><description>Optional (<c>pk_...</c>): handed to browsers that confirm with Stripe.js.</description></item>
/// <item><term><c>RequestTimeout</c></term><description>Default <c>00:00:30</c>: one HTTP attempt; a timeout is a transient failure.</description></item>
/// <item><term><c>MaxNetworkRetries</c></term><description>Default 2 (Stripe.net's own default): retries of network errors, 409 and 5xx, with the same idempotency key.</description></item>
/// </list>
/// </summary>
public sealed class StripeOptions
{
    public const string Section = "Payments:Stripe";

    public string SecretKey { get; set; } = "";

    public string WebhookSecret { get; set; } = "";

    public Uri ApiBase { get; set; } = new("https://api.stripe.com");

    public string? PublishableKey { get; set; }

    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public int MaxNetworkRetries { get; set; } = 2;

    /// <summary>What is wrong with these settings; empty when the gateway can start.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (!SecretKey.StartsWith("sk_", StringComparison.Ordinal) && !SecretKey.StartsWith("rk_", StringComparison.Ordinal))
        {
            problems.Add($"{Section}:SecretKey is required and must be a secret (sk_) or restricted (rk_) key.");
        }
        if (!WebhookSecret.StartsWith("whsec_", StringComparison.Ordinal))
        {
            problems.Add($"{Section}:WebhookSecret is required and must be a webhook signing secret (whsec_).");
        }
        if (!ApiBase.IsAbsoluteUri || (ApiBase.Scheme != Uri.UriSchemeHttps && ApiBase.Scheme != Uri.UriSchemeHttp))
        {
            problems.Add($"{Section}:ApiBase must be an absolute http(s) address.");
        }
        if (PublishableKey is { Length: > 0 } key && !key.StartsWith("pk_", StringComparison.Ordinal))
        {
            problems.Add($"{Section}:PublishableKey must be a publishable key (pk_).");
        }
        if (RequestTimeout <= TimeSpan.Zero)
        {
            problems.Add($"{Section}:RequestTimeout must be positive.");
        }
        if (MaxNetworkRetries is < 0 or > 10)
        {
            problems.Add($"{Section}:MaxNetworkRetries must be between 0 and 10.");
        }
        return problems;
    }
}
