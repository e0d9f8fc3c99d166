using System.Diagnostics.Metrics;
using BeatOrleans.Purchasing.Purchases;

namespace BeatOrleans.Purchasing;

/// <summary>The purchasing domain's meter: purchases as they end, by outcome, with their amounts.</summary>
internal static class PurchasingMetrics
{
    private static readonly Meter Meter = new("BeatOrleans.Purchasing");

    private static readonly Counter<long> Purchases = Meter.CreateCounter<long>(
        "beatorleans.purchases", "{purchase}", "Purchases that ended, by outcome (completed, failed, expired, refunded) and licence type");

    private static readonly Counter<double> Amounts = Meter.CreateCounter<double>(
        "beatorleans.purchases.amount", "{currency_unit}", "The amounts of purchases that ended, by outcome and currency");

    /// <summary>Called on a change of stage; counts the stages a purchase ends in.</summary>
    public static void Entered(PurchaseStage stage, string licenseType, long amountMinor, string currency)
    {
        var outcome = stage switch
        {
            PurchaseStage.Completed => "completed",
            PurchaseStage.Failed => "failed",
            PurchaseStage.Expired => "expired",
            PurchaseStage.Refunded => "refunded",
            _ => null,
        };
        if (outcome is null)
        {
            return;
        }

        Purchases.Add(1, new KeyValuePair<string, object?>("outcome", outcome), new KeyValuePair<string, object?>("license_type", licenseType));
        Amounts.Add(amountMinor / 100.0, new KeyValuePair<string, object?>("outcome", outcome), new KeyValuePair<string, object?>("currency", currency));
    }
}
