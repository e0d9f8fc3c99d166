using System.Text;
using BeatOrleans.Contracts.Purchasing;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BeatOrleans.Api.Purchasing;

public sealed record WebhookReceivedResponse(bool Received);

/// <summary>
/// Stripe's webhook: the signature is checked against the raw body, then the purchase named in the payment's metadata
/// is told its payment changed. The purchase reads the payment's current state from Stripe and deduplicates on the
/// event id, so duplicated, late or out-of-order deliveries have no second effect.
/// </summary>
internal static class StripeWebhookEndpoint
{
    /// <summary>Stripe's events are a few KB; anything far larger is not one.</summary>
    private const int MaxBodyBytes = 512 * 1024;

    public static IEndpointRouteBuilder MapStripeWebhook(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/payments/stripe/webhook", Receive).AllowAnonymous().DisableAntiforgery().WithTags("Purchasing")
            .WithName("StripeWebhook").WithSummary("Stripe's event deliveries (signed with the endpoint's secret).");
        return app;
    }

    private static async Task<Results<Ok<WebhookReceivedResponse>, ProblemHttpResult>> Receive(
        HttpContext http, IGrainFactory grains, IConfiguration configuration, TimeProvider clock)
    {
        var secret = configuration["Payments:Stripe:WebhookSecret"];
        if (configuration["Payments:Provider"] != "stripe" || string.IsNullOrEmpty(secret))
        {
            return TypedResults.Problem(statusCode: 404, title: "Not found.", detail: "Stripe payments are not configured on this deployment.");
        }

        var body = await ReadBody(http.Request);
        if (body is null)
        {
            return TypedResults.Problem(statusCode: 413, title: "The event is too large.", detail: $"A webhook body is at most {MaxBodyBytes / 1024} KB.");
        }

        var result = StripeWebhook.Read(body, http.Request.Headers[StripeWebhook.SignatureHeader], secret, clock);
        if (!result.IsValid)
        {
            return TypedResults.Problem(statusCode: 400, title: "The webhook is not verified.", detail: result.Error);
        }

        // Events without a purchase (another integration's payments, types purchasing does not use) are acknowledged
        // so Stripe stops retrying them.
        if (result.Event.PurchaseId is { } purchaseId && PurchaseIds.IsValid(purchaseId)
            && (result.Event.Type.StartsWith("payment_intent.", StringComparison.Ordinal) || result.Event.Type.StartsWith("charge.", StringComparison.Ordinal)))
        {
            if (!await grains.GetGrain<IPurchaseGrain>(purchaseId).PaymentChanged(result.Event.EventId))
            {
                // Stripe delivers again (with backoff) what a 2xx did not acknowledge.
                return TypedResults.Problem(statusCode: 503, title: "The event could not be handled yet.", detail: "The payment provider did not answer; deliver again.");
            }
        }

        return TypedResults.Ok(new WebhookReceivedResponse(true));
    }

    private static async Task<string?> ReadBody(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
