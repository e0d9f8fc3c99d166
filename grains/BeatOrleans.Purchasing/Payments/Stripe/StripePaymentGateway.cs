using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Stripe;

namespace BeatOrleans.Purchasing.Payments.Stripe;

/// <summary>
/// <see cref="IPaymentGateway"/> on Stripe's PaymentIntents API (Stripe.net). Confirmation is server-side with a payment
/// method id (<c>allow_redirects=never</c>), capture is automatic, and every call that moves money carries the caller's
/// idempotency key, so Stripe answers a repeated call with its first answer.
/// </summary>
public sealed partial class StripePaymentGateway : IPaymentGateway, IDisposable
{
    // The latest charge carries amount_refunded; the intent itself does not.
    private static readonly List<string> ExpandCharge = ["latest_charge"];

    private readonly HttpClient http;
    private readonly PaymentIntentService intents;
    private readonly RefundService refunds;
    private readonly ILogger<StripePaymentGateway> logger;

    public StripePaymentGateway(IOptions<StripeOptions> options, ILogger<StripePaymentGateway> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Value;
        this.logger = logger;
        // One HTTP attempt is bounded by the timeout; Stripe.net retries network errors, 409 and 5xx itself.
        http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            Timeout = settings.RequestTimeout,
        };
        var client = new StripeClient(
            apiKey: settings.SecretKey,
            httpClient: new SystemNetHttpClient(http, settings.MaxNetworkRetries),
            apiBase: settings.ApiBase.GetLeftPart(UriPartial.Path).TrimEnd('/'));
        intents = new PaymentIntentService(client);
        refunds = new RefundService(client);
    }

    public string Provider => PaymentsOptions.Stripe;

    public Task<GatewayPayment> Create(NewPayment payment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payment);
        var create = new PaymentIntentCreateOptions
        {
            Amount = payment.AmountMinor,
            Currency = payment.Currency.ToLowerInvariant(),
            Description = payment.Description,
            Metadata = payment.Metadata.ToDictionary(),
            AutomaticPaymentMethods = new PaymentIntentAutomaticPaymentMethodsOptions { Enabled = true, AllowRedirects = "never" },
        };
        return Call("create", async () => ToPayment(await intents.CreateAsync(create, Keyed(payment.IdempotencyKey), cancellationToken)), cancellationToken);
    }

    public Task<GatewayPayment> Confirm(string paymentId, string paymentMethod, string idempotencyKey, CancellationToken cancellationToken)
    {
        var confirm = new PaymentIntentConfirmOptions { PaymentMethod = paymentMethod, Expand = ExpandCharge };
        return Call("confirm", async () =>
        {
            try
            {
                return ToPayment(await intents.ConfirmAsync(paymentId, confirm, Keyed(idempotencyKey), cancellationToken));
            }
            catch (StripeException e) when (e.StripeError is { Type: "card_error", PaymentIntent: { } declined } error)
            {
                // A decline is Stripe's answer (402 card_error), and the error carries the intent as it now stands.
                var decline = new PaymentDecline(error.DeclineCode ?? error.Code ?? "card_declined", error.Message ?? "The card was declined.");
                LogDeclined(logger, paymentId, decline.Code);
                return ToPayment(declined) with { Decline = decline };
            }
        }, cancellationToken);
    }

    public Task<GatewayPayment> Retrieve(string paymentId, CancellationToken cancellationToken)
    {
        var get = new PaymentIntentGetOptions { Expand = ExpandCharge };
        return Call("retrieve", async () => ToPayment(await intents.GetAsync(paymentId, get, null, cancellationToken)), cancellationToken);
    }

    public Task<GatewayPayment> Cancel(string paymentId, string idempotencyKey, CancellationToken cancellationToken)
    {
        var cancel = new PaymentIntentCancelOptions { Expand = ExpandCharge };
        return Call("cancel", async () =>
        {
            try
            {
                return ToPayment(await intents.CancelAsync(paymentId, cancel, Keyed(idempotencyKey), cancellationToken));
            }
            catch (StripeException e) when (e.StripeError?.Code == "payment_intent_unexpected_state")
            {
                // Stripe refuses to cancel a succeeded (or already canceled) intent: the port returns it as it stands.
                return ToPayment(await intents.GetAsync(paymentId, new PaymentIntentGetOptions { Expand = ExpandCharge }, null, cancellationToken));
            }
        }, cancellationToken);
    }

    public Task<GatewayRefund> Refund(string paymentId, string idempotencyKey, CancellationToken cancellationToken)
    {
        var create = new RefundCreateOptions { PaymentIntent = paymentId };
        return Call("refund", async () =>
        {
            var refund = await refunds.CreateAsync(create, Keyed(idempotencyKey), cancellationToken);
            return new GatewayRefund(refund.Id, refund.PaymentIntentId ?? paymentId, refund.Amount, refund.Status);
        }, cancellationToken);
    }

    public void Dispose() => http.Dispose();

    private static RequestOptions Keyed(string idempotencyKey) => new() { IdempotencyKey = idempotencyKey };

    private async Task<T> Call<T>(string operation, Func<Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call();
        }
        catch (StripeException e)
        {
            var failure = StripeFailures.From(operation, e);
            LogFailed(logger, operation, (int)e.HttpStatusCode, e.StripeError?.Type, e.StripeError?.Code, failure.Transient);
            throw failure;
        }
        catch (HttpRequestException e)
        {
            LogUnreachable(logger, operation, e.Message);
            throw new PaymentGatewayException($"Stripe {operation}: network failure ({e.Message}).", transient: true, e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            LogUnreachable(logger, operation, "timed out");
            throw new PaymentGatewayException($"Stripe {operation}: no answer within the request timeout.", transient: true, e);
        }
    }

    private static GatewayPayment ToPayment(PaymentIntent intent) => new(
        intent.Id,
        StripeFailures.State(intent.Status),
        intent.Amount,
        intent.Currency,
        intent.ClientSecret,
        intent.LatestCharge?.AmountRefunded ?? 0,
        intent.LastPaymentError is { } error && intent.Status == "requires_payment_method"
            ? new PaymentDecline(error.DeclineCode ?? error.Code ?? "card_declined", error.Message ?? "The card was declined.")
            : null);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stripe declined payment {PaymentId}: {Code}")]
    private static partial void LogDeclined(ILogger logger, string paymentId, string code);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stripe {Operation} failed: HTTP {Status} {Type}/{Code} (transient: {Transient})")]
    private static partial void LogFailed(ILogger logger, string operation, int status, string? type, string? code, bool transient);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stripe {Operation} did not answer: {Reason}")]
    private static partial void LogUnreachable(ILogger logger, string operation, string reason);
}
