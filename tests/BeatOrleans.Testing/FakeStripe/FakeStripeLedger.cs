using System.Globalization;
using System.Text.Json.Nodes;

namespace BeatOrleans.Testing;

/// <summary>An event the ledger raised; the webhooks part signs and delivers it.</summary>
internal sealed record RaisedEvent(string Type, JsonObject Object);

/// <summary>A PaymentIntent as a test sees it.</summary>
public sealed record FakePaymentIntent(
    string Id,
    string Status,
    long Amount,
    string Currency,
    IReadOnlyDictionary<string, string> Metadata,
    long AmountCaptured,
    long AmountRefunded);

/// <summary>
/// The money side of the fake: PaymentIntents, their charges and refunds, with Stripe's state machine
/// (requires_payment_method -> succeeded | back to requires_payment_method on a decline; cancel before success).
/// One lock: the fake serves a handful of test requests, not throughput.
/// </summary>
public sealed partial class FakeStripeLedger(TimeProvider clock)
{
    private static readonly string[] Cancelable = ["requires_payment_method", "requires_capture", "requires_confirmation", "requires_action", "processing"];
    private static readonly string[] Confirmable = ["requires_payment_method", "requires_confirmation", "requires_action"];

    private readonly Lock gate = new();
    private readonly Dictionary<string, FakeIntent> intents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FakeCharge> charges = new(StringComparer.Ordinal);
    private readonly List<FakeRefund> refunds = [];
    // Stripe turns a test token (pm_card_visa) into a new PaymentMethod object with an id of its own.
    private readonly Dictionary<string, string> paymentMethods = new(StringComparer.Ordinal);

    /// <summary>PaymentIntents created.</summary>
    public int IntentCount { get { lock (gate) { return intents.Count; } } }

    /// <summary>Charges that succeeded (captured at once: automatic capture).</summary>
    public int CapturedPayments { get { lock (gate) { return charges.Values.Count(c => c.Succeeded); } } }

    /// <summary>Declined charges.</summary>
    public int DeclinedPayments { get { lock (gate) { return charges.Values.Count(c => !c.Succeeded); } } }

    public int RefundCount { get { lock (gate) { return refunds.Count; } } }

    /// <summary>Money kept on the intent: captured minus refunded, in minor units.</summary>
    public long NetCaptured(string paymentIntentId)
    {
        lock (gate)
        {
            return charges.Values.Where(c => c.Succeeded && c.Intent.Id == paymentIntentId).Sum(c => c.Intent.Amount - c.AmountRefunded);
        }
    }

    public FakePaymentIntent? Intent(string paymentIntentId)
    {
        lock (gate)
        {
            return intents.TryGetValue(paymentIntentId, out var intent) ? View(intent) : null;
        }
    }

    /// <summary>The intents whose <c>metadata[purchase_id]</c> is this purchase, oldest first.</summary>
    public IReadOnlyList<FakePaymentIntent> IntentsForPurchase(string purchaseId)
    {
        lock (gate)
        {
            return intents.Values
                .Where(i => i.Metadata.TryGetValue("purchase_id", out var id) && id == purchaseId)
                .OrderBy(i => i.Created)
                .Select(View)
                .ToList();
        }
    }

    private FakePaymentIntent View(FakeIntent intent)
    {
        var paid = charges.Values.Where(c => c.Succeeded && c.Intent == intent).ToList();
        return new FakePaymentIntent(intent.Id, intent.Status, intent.Amount, intent.Currency, intent.Metadata, paid.Sum(c => c.Intent.Amount), paid.Sum(c => c.AmountRefunded));
    }

    private long Now => clock.GetUtcNow().ToUnixTimeSeconds();

    private static StripeAnswer NotFound(string id) => StripeAnswer.Missing("payment_intent", id, "intent");

    private JsonObject Json(FakeIntent intent, StripeForm form) =>
        FakeStripeJson.Intent(intent, form.List("expand").Contains("latest_charge") && intent.LatestCharge is { } charge ? charges[charge] : null);

    private static StripeAnswer? BadExpand(StripeForm form, params string[] expandable) =>
        form.List("expand").FirstOrDefault(e => !expandable.Contains(e, StringComparer.Ordinal)) is { } bad
            ? StripeAnswer.Invalid($"This property cannot be expanded ({bad}).", param: "expand", saved: false)
            : null;

    private static bool TryAmount(string? text, out long amount) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out amount);

    // Stripe's minimum charge amounts per currency (docs: "Minimum and maximum charge amounts"); 50 is the common one.
    private static long Minimum(string currency) => currency switch
    {
        "gbp" => 30,
        "jpy" => 50,
        "hkd" => 400,
        _ => 50,
    };
}
