namespace BeatOrleans.Purchasing.Payments;

/// <summary>
/// The payment provider as purchasing sees it: Stripe's PaymentIntents model. Every call that changes money carries an
/// idempotency key, so a call repeated after a crash (the reminder's reconciliation) has the effect of one call.
/// A card decline is an answer (<see cref="GatewayPayment.Decline"/>), not an exception; exceptions are
/// <see cref="PaymentGatewayException"/>.
/// </summary>
public interface IPaymentGateway
{
    /// <summary>The provider's name as the API shows it: "simulated" or "stripe".</summary>
    string Provider { get; }

    /// <summary>Creates a payment awaiting a payment method; the same idempotency key returns the same payment.</summary>
    Task<GatewayPayment> Create(NewPayment payment, CancellationToken cancellationToken);

    /// <summary>Confirms with a payment method (test methods: pm_card_visa, pm_card_chargeDeclined); captures at once on success.</summary>
    Task<GatewayPayment> Confirm(string paymentId, string paymentMethod, string idempotencyKey, CancellationToken cancellationToken);

    /// <summary>The payment as the provider holds it now.</summary>
    Task<GatewayPayment> Retrieve(string paymentId, CancellationToken cancellationToken);

    /// <summary>Cancels a payment that has not succeeded, so it can never be captured; a succeeded one is returned unchanged.</summary>
    Task<GatewayPayment> Cancel(string paymentId, string idempotencyKey, CancellationToken cancellationToken);

    /// <summary>Refunds a succeeded payment in full; the same idempotency key refunds once.</summary>
    Task<GatewayRefund> Refund(string paymentId, string idempotencyKey, CancellationToken cancellationToken);
}

/// <summary>A payment to create: the amount in minor units (cents), with metadata naming the purchase and the beat.</summary>
public sealed record NewPayment(
    long AmountMinor,
    string Currency,
    string Description,
    IReadOnlyDictionary<string, string> Metadata,
    string IdempotencyKey);

/// <summary>The PaymentIntent states purchasing acts on.</summary>
[GenerateSerializer, Alias("payments.GatewayPaymentState")]
public enum GatewayPaymentState
{
    RequiresPaymentMethod = 0,
    RequiresConfirmation = 1,
    RequiresAction = 2,
    Processing = 3,
    Succeeded = 4,
    Canceled = 5,
}

/// <summary>Why the last confirmation failed: Stripe's decline code (card_declined, insufficient_funds, ...) and message.</summary>
[GenerateSerializer, Immutable, Alias("payments.PaymentDecline")]
public sealed record PaymentDecline([property: Id(0)] string Code, [property: Id(1)] string Message);

/// <summary>A payment as the provider holds it.</summary>
[GenerateSerializer, Immutable, Alias("payments.GatewayPayment")]
public sealed record GatewayPayment(
    [property: Id(0)] string PaymentId,
    [property: Id(1)] GatewayPaymentState State,
    [property: Id(2)] long AmountMinor,
    [property: Id(3)] string Currency,
    [property: Id(4)] string? ClientSecret,
    [property: Id(5)] long AmountRefunded,
    [property: Id(6)] PaymentDecline? Decline);

public sealed record GatewayRefund(string RefundId, string PaymentId, long AmountMinor, string Status);

/// <summary>
/// The provider could not answer (<see cref="Transient"/>: network, 5xx, rate limit; try again later) or refused the
/// request itself (an unknown payment method, an invalid amount): retrying that one changes nothing.
/// </summary>
public sealed class PaymentGatewayException(string message, bool transient, Exception? inner = null) : Exception(message, inner)
{
    public bool Transient { get; } = transient;
}
