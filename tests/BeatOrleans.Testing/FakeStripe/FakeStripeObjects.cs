using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace BeatOrleans.Testing;

/// <summary>A PaymentIntent as the fake holds it; mutated only under the ledger's lock.</summary>
internal sealed class FakeIntent
{
    public required string Id { get; init; }
    public required long Amount { get; init; }
    public required string Currency { get; init; }
    public required string ClientSecret { get; init; }
    public required long Created { get; init; }
    public string? Description { get; init; }
    public required IReadOnlyDictionary<string, string> Metadata { get; init; }
    public bool AutomaticPaymentMethods { get; init; }
    public string? AllowRedirects { get; init; }
    public string Status { get; set; } = "requires_payment_method";
    public string? PaymentMethod { get; set; }
    public string? LatestCharge { get; set; }
    public JsonObject? LastPaymentError { get; set; }
    public long AmountReceived { get; set; }
    public long? CanceledAt { get; set; }
    public string? CancellationReason { get; set; }
}

internal sealed class FakeCharge
{
    public required string Id { get; init; }
    public required FakeIntent Intent { get; init; }
    public required long Created { get; init; }
    public required string PaymentMethod { get; init; }
    public required bool Succeeded { get; init; }
    public string? FailureCode { get; init; }
    public string? FailureMessage { get; init; }
    public string? DeclineCode { get; init; }
    public long AmountRefunded { get; set; }
}

internal sealed record FakeRefund(string Id, FakeCharge Charge, long Amount, long Created, IReadOnlyDictionary<string, string> Metadata);

/// <summary>The JSON shapes of Stripe's objects (API reference: PaymentIntent, Charge, Refund), trimmed to real fields.</summary>
internal static class FakeStripeJson
{
    public static string NewId(string prefix) =>
        prefix + "_" + RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 24);

    public static JsonObject Intent(FakeIntent intent, FakeCharge? expandedCharge = null) => new()
    {
        ["id"] = intent.Id,
        ["object"] = "payment_intent",
        ["amount"] = intent.Amount,
        ["amount_capturable"] = 0,
        ["amount_received"] = intent.AmountReceived,
        ["automatic_payment_methods"] = intent.AutomaticPaymentMethods
            ? new JsonObject { ["allow_redirects"] = intent.AllowRedirects ?? "always", ["enabled"] = true }
            : null,
        ["canceled_at"] = intent.CanceledAt,
        ["cancellation_reason"] = intent.CancellationReason,
        ["capture_method"] = "automatic_async",
        ["client_secret"] = intent.ClientSecret,
        ["confirmation_method"] = "automatic",
        ["created"] = intent.Created,
        ["currency"] = intent.Currency,
        ["customer"] = null,
        ["description"] = intent.Description,
        ["last_payment_error"] = intent.LastPaymentError?.DeepClone(),
        ["latest_charge"] = expandedCharge is null ? intent.LatestCharge : Charge(expandedCharge),
        ["livemode"] = false,
        ["metadata"] = Hash(intent.Metadata),
        ["next_action"] = null,
        ["payment_method"] = intent.PaymentMethod,
        ["payment_method_types"] = new JsonArray("card"),
        ["processing"] = null,
        ["receipt_email"] = null,
        ["setup_future_usage"] = null,
        ["status"] = intent.Status,
    };

    public static JsonObject Charge(FakeCharge charge) => new()
    {
        ["id"] = charge.Id,
        ["object"] = "charge",
        ["amount"] = charge.Intent.Amount,
        ["amount_captured"] = charge.Succeeded ? charge.Intent.Amount : 0,
        ["amount_refunded"] = charge.AmountRefunded,
        ["balance_transaction"] = charge.Succeeded ? "txn_" + charge.Id[3..] : null,
        ["captured"] = charge.Succeeded,
        ["created"] = charge.Created,
        ["currency"] = charge.Intent.Currency,
        ["description"] = charge.Intent.Description,
        ["failure_code"] = charge.FailureCode,
        ["failure_message"] = charge.FailureMessage,
        ["livemode"] = false,
        // A charge made by a PaymentIntent carries the intent's metadata as it was when the charge was made.
        ["metadata"] = Hash(charge.Intent.Metadata),
        ["outcome"] = new JsonObject
        {
            ["network_status"] = charge.Succeeded ? "approved_by_network" : "declined_by_network",
            ["reason"] = charge.DeclineCode,
            ["risk_level"] = "normal",
            ["seller_message"] = charge.Succeeded ? "Payment complete." : "The bank did not return any further details with this decline.",
            ["type"] = charge.Succeeded ? "authorized" : "issuer_declined",
        },
        ["paid"] = charge.Succeeded,
        ["payment_intent"] = charge.Intent.Id,
        ["payment_method"] = charge.PaymentMethod,
        ["refunded"] = charge.Succeeded && charge.AmountRefunded == charge.Intent.Amount,
        ["status"] = charge.Succeeded ? "succeeded" : "failed",
    };

    public static JsonObject Refund(FakeRefund refund) => new()
    {
        ["id"] = refund.Id,
        ["object"] = "refund",
        ["amount"] = refund.Amount,
        ["balance_transaction"] = "txn_" + refund.Id[3..],
        ["charge"] = refund.Charge.Id,
        ["created"] = refund.Created,
        ["currency"] = refund.Charge.Intent.Currency,
        ["metadata"] = Hash(refund.Metadata),
        ["payment_intent"] = refund.Charge.Intent.Id,
        ["reason"] = null,
        ["receipt_number"] = null,
        ["status"] = "succeeded",
    };

    private static JsonObject Hash(IReadOnlyDictionary<string, string> values) =>
        new(values.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value)));
}
