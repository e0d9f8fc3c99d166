namespace BeatOrleans.Purchasing;

/// <summary>Section <c>Purchasing</c>: payment windows and how purchases reconcile with the payment provider.</summary>
public sealed class PurchasingOptions
{
    public const string Section = "Purchasing";

    /// <summary>How long a purchase waits for its payment; an exclusive is held for its buyer that long.</summary>
    public TimeSpan PaymentWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often an unsettled purchase checks the provider's state of its payment (a reminder: in the cluster it survives crashes; embedded, reminders are in memory).</summary>
    public TimeSpan ReconcilePeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>While a purchase is active, how often it retries unfinished work (licence, ledger, notifications).</summary>
    public TimeSpan RetryPeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long an offer waits for its answer before it expires.</summary>
    public TimeSpan OfferExpiry { get; set; } = TimeSpan.FromHours(48);

    /// <summary>How long an accepted offer prices the buyer's purchase (and holds an exclusive for them).</summary>
    public TimeSpan OfferPurchaseWindow { get; set; } = TimeSpan.FromHours(48);

    /// <summary>
    /// How many unpaid purchases that hold something scarce (an exclusive licence, a coupon use) one buyer may have at
    /// a time. Without a bound, one account could hold every exclusive of the catalogue, or every use of a coupon, by
    /// starting purchases it never pays, again each time the payment window closes.
    /// </summary>
    public int MaxUnpaidHoldsPerBuyer { get; set; } = 3;
}
