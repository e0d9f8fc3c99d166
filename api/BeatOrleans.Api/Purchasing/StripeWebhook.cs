using System.Diagnostics.CodeAnalysis;
using Stripe;

namespace BeatOrleans.Api.Purchasing;

/// <summary>A verified Stripe event, reduced to what purchasing acts on.</summary>
public sealed record StripeWebhookEvent(string EventId, string Type, string? PaymentIntentId, string? PurchaseId);

/// <summary>Either a verified event or why the delivery was refused.</summary>
public sealed record StripeWebhookResult(StripeWebhookEvent? Event, string? Error)
{
    [MemberNotNullWhen(true, nameof(Event))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsValid => Event is not null;
}

/// <summary>Reads a webhook delivery: checks Stripe's signature and timestamp, then parses the event.</summary>
public static class StripeWebhook
{
    /// <summary>Stripe's recommended tolerance between the signed timestamp and now, against replayed deliveries.</summary>
    public const long ToleranceSeconds = 300;

    public const string SignatureHeader = "Stripe-Signature";

    public static StripeWebhookResult Read(string rawBody, string? signatureHeader, string webhookSecret, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        if (string.IsNullOrWhiteSpace(signatureHeader))
        {
            return Rejected($"missing {SignatureHeader} header");
        }
        try
        {
            // The body must be the exact bytes Stripe signed; the endpoint reads it raw, before any JSON binding.
            var stripeEvent = EventUtility.ConstructEvent(
                rawBody,
                signatureHeader,
                webhookSecret,
                ToleranceSeconds,
                clock.GetUtcNow().ToUnixTimeSeconds(),
                throwOnApiVersionMismatch: false);
            if (string.IsNullOrEmpty(stripeEvent.Id) || string.IsNullOrEmpty(stripeEvent.Type))
            {
                return Rejected("the event has no id or type");
            }
            var (intentId, metadata) = stripeEvent.Data?.Object switch
            {
                PaymentIntent intent => (intent.Id, intent.Metadata),
                Charge charge => (charge.PaymentIntentId, charge.Metadata),
                Refund refund => (refund.PaymentIntentId, refund.Metadata),
                _ => (null, null),
            };
            var purchaseId = metadata is not null && metadata.TryGetValue("purchase_id", out var id) ? id : null;
            return new StripeWebhookResult(new StripeWebhookEvent(stripeEvent.Id, stripeEvent.Type, intentId, purchaseId), null);
        }
        catch (StripeException e)
        {
            return Rejected(e.Message);
        }
        catch (Exception e) when (e is Newtonsoft.Json.JsonException or System.Text.Json.JsonException
            or FormatException or OverflowException or ArgumentException or InvalidOperationException)
        {
            // A timestamp that is not a number, or a body that is not an event (an array, null), even when correctly
            // signed: System.Text.Json reports JSON of the wrong kind as an invalid operation.
            return Rejected($"unreadable delivery: {e.Message}");
        }
    }

    private static StripeWebhookResult Rejected(string error) => new(null, error);
}
