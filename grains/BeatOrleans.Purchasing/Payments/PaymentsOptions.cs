namespace BeatOrleans.Purchasing.Payments;

/// <summary>Section <c>Payments</c>: which gateway takes the money.</summary>
public sealed class PaymentsOptions
{
    public const string Section = "Payments";

    public const string Simulated = "simulated";
    public const string Stripe = "stripe";

    /// <summary><c>simulated</c> (default: Stripe test-mode behaviour, no network) or <c>stripe</c> (section <c>Payments:Stripe</c>).</summary>
    public string Provider { get; set; } = Simulated;
}
