using System.Text;
using BeatOrleans.Contracts.Purchasing;

namespace BeatOrleans.Api.Purchasing;

/// <summary>
/// Stripe's webhook: the signature is checked against the raw body, then the purchase named in the payment's metadata
/// is told its payment changed. The purchase reads the payment's current state from Stripe and deduplicates on the
/// event id, so duplicated, late or out-of-order deliveries have no second effect.
/// </summary>
internal static class StripeWebhookEndpoint
{
    public static IEndpointRouteBuilder MapStripeWebhook(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/payments/stripe/webhook", Receive).AllowAnonymous().DisableAntiforgery().WithTags("Purchasing")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .WithName("StripeWebhook").WithSummary("Stripe's event deliveries (signed with the endpoint's secret).");
        return app;
    }

    private static async Task<Results<Ok<WebhookReceivedResponse>, ProblemHttpResult>> Receive(
        HttpContext http, IGrainFactory grains, IConfiguration configuration, TimeProvider clock)
    {
        var secret = configuration["Payments:Stripe:WebhookSecret"];
        if (configuration["Payments:Provider"] != "stripe" || string.IsNullOrEmpty(secret))
        {
            return Refusals.NotFound("Stripe payments are not configured on this deployment.");
        }

        // The API's request body limit (1 MiB, far above any Stripe event) already answers 413 for anything larger.
        using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(http.RequestAborted);

        var result = StripeWebhook.Read(body, http.Request.Headers[StripeWebhook.SignatureHeader], secret, clock);
        if (!result.IsValid)
        {
            return Refusals.Problem(StatusCodes.Status400BadRequest, "The webhook is not verified.", result.Error);
        }

        // Events without a purchase (another integration's payments, types purchasing does not use) are acknowledged
        // so Stripe stops retrying them.
        if (result.Event.PurchaseId is { } purchaseId && EntityIds.IsValid(purchaseId)
            && (result.Event.Type.StartsWith("payment_intent.", StringComparison.Ordinal) || result.Event.Type.StartsWith("charge.", StringComparison.Ordinal)))
        {
            if (!await grains.GetGrain<IPurchaseGrain>(purchaseId).PaymentChanged(result.Event.EventId))
            {
                // Stripe delivers again (with backoff) what a 2xx did not acknowledge.
                return Refusals.Problem(StatusCodes.Status503ServiceUnavailable, "The event could not be handled yet.",
                    "The payment provider did not answer; deliver again.");
            }
        }

        return TypedResults.Ok(new WebhookReceivedResponse(true));
    }
}
