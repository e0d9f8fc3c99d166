using Stripe;

namespace BeatOrleans.Purchasing.Payments.Stripe;

/// <summary>How Stripe's answers read in the port's words: intent statuses and errors.</summary>
internal static class StripeFailures
{
    /// <summary>
    /// Transient: Stripe (or the way to it) could not answer now: 5xx, 429 rate limit, 409 (a request with the same
    /// idempotency key still in flight), or no status at all. Every other 4xx is the request's own fault.
    /// </summary>
    public static PaymentGatewayException From(string operation, StripeException e)
    {
        var status = (int)e.HttpStatusCode;
        var transient = status is 0 or 409 or 429 or >= 500;
        var error = e.StripeError;
        var what = error is null ? e.Message : $"{error.Type}{(error.Code is null ? "" : "/" + error.Code)}: {error.Message ?? e.Message}";
        return new PaymentGatewayException($"Stripe {operation}: HTTP {status} {what}", transient, e);
    }

    public static GatewayPaymentState State(string status) => status switch
    {
        "requires_payment_method" => GatewayPaymentState.RequiresPaymentMethod,
        "requires_confirmation" => GatewayPaymentState.RequiresConfirmation,
        "requires_action" => GatewayPaymentState.RequiresAction,
        // Only manual capture stops at requires_capture; this gateway captures automatically, so it is money in flight.
        "processing" or "requires_capture" => GatewayPaymentState.Processing,
        "succeeded" => GatewayPaymentState.Succeeded,
        "canceled" => GatewayPaymentState.Canceled,
        _ => throw new PaymentGatewayException($"Stripe returned a PaymentIntent status this gateway does not know: '{status}'.", transient: false),
    };
}
