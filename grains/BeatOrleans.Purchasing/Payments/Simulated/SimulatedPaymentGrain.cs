using System.Security.Cryptography;
using BeatOrleans.Contracts;

namespace BeatOrleans.Purchasing.Payments.Simulated;

/// <summary>The simulated provider's answer: the payment, or the error Stripe would give as an invalid request.</summary>
[GenerateSerializer, Immutable, Alias("payments.SimulatedAnswer")]
public sealed record SimulatedAnswer([property: Id(0)] GatewayPayment? Payment, [property: Id(1)] string? Error);

/// <summary>One simulated PaymentIntent, keyed by its payment id. Durable, so payments outlive a restart as Stripe's do.</summary>
[Alias("payments.ISimulatedPaymentGrain")]
internal interface ISimulatedPaymentGrain : IGrainWithStringKey
{
    [Alias("Create")]
    Task<SimulatedAnswer> Create(long amountMinor, string currency, string requestHash);

    [Alias("Confirm")]
    Task<SimulatedAnswer> Confirm(string paymentMethod, string idempotencyKey);

    [Alias("Retrieve")]
    Task<SimulatedAnswer> Retrieve();

    [Alias("Cancel")]
    Task<SimulatedAnswer> Cancel();

    [Alias("Refund")]
    Task<SimulatedAnswer> Refund(string idempotencyKey);
}

[GenerateSerializer, Alias("payments.SimulatedPaymentState")]
public sealed class SimulatedPaymentState
{
    [Id(0)] public GatewayPayment? Payment { get; set; }

    [Id(1)] public string RequestHash { get; set; } = "";

    /// <summary>Confirmations by idempotency key: a repeat replays the first answer, as Stripe does.</summary>
    [Id(2)] public Dictionary<string, SimulatedAnswer> Confirmations { get; set; } = [];

    [Id(3)] public string? RefundKey { get; set; }
}

/// <summary>Stripe's test mode without the network: the same states, the same test payment methods, the same idempotency.</summary>
internal sealed class SimulatedPaymentGrain(
    [PersistentState("payment", StorageNames.Documents)] IPersistentState<SimulatedPaymentState> state) : Grain, ISimulatedPaymentGrain
{
    private GatewayPayment? Payment => state.State.Payment;

    public async Task<SimulatedAnswer> Create(long amountMinor, string currency, string requestHash)
    {
        if (Payment is { } existing)
        {
            return state.State.RequestHash == requestHash
                ? new SimulatedAnswer(existing, null)
                : new SimulatedAnswer(null, "Keys for idempotent requests can only be used with the same parameters they were first used with.");
        }

        if (amountMinor < 50)
        {
            return new SimulatedAnswer(null, "Amount must be at least 50 cents.");
        }

        var id = this.GetPrimaryKeyString();
        state.State.Payment = new GatewayPayment(id, GatewayPaymentState.RequiresPaymentMethod, amountMinor, currency,
            $"{id}_secret_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12))}", 0, null);
        state.State.RequestHash = requestHash;
        await state.WriteStateAsync();
        return new SimulatedAnswer(state.State.Payment, null);
    }

    public async Task<SimulatedAnswer> Confirm(string paymentMethod, string idempotencyKey)
    {
        if (state.State.Confirmations.TryGetValue(idempotencyKey, out var replay))
        {
            return replay;
        }

        if (Payment is not { } payment)
        {
            return NoSuchPayment();
        }

        // As Stripe: a payment waiting for its card's authentication may be confirmed again, with this or another card.
        if (payment.State is not (GatewayPaymentState.RequiresPaymentMethod or GatewayPaymentState.RequiresConfirmation
            or GatewayPaymentState.RequiresAction))
        {
            return new SimulatedAnswer(null, $"This PaymentIntent's status is {payment.State}; it cannot be confirmed.");
        }

        SimulatedAnswer answer = paymentMethod switch
        {
            "pm_card_visa" or "pm_card_mastercard" or "pm_card_amex" => new(payment with { State = GatewayPaymentState.Succeeded, Decline = null }, null),
            "pm_card_chargeDeclined" => new(payment with { Decline = new PaymentDecline("generic_decline", "Your card was declined.") }, null),
            "pm_card_chargeDeclinedInsufficientFunds" => new(payment with { Decline = new PaymentDecline("insufficient_funds", "Your card has insufficient funds.") }, null),
            "pm_card_authenticationRequired" => new(payment with { State = GatewayPaymentState.RequiresAction }, null),
            _ => new(null, $"No such PaymentMethod: '{paymentMethod}'."),
        };
        state.State.Confirmations[idempotencyKey] = answer;
        state.State.Payment = answer.Payment ?? payment;
        await state.WriteStateAsync();
        return answer;
    }

    public Task<SimulatedAnswer> Retrieve() => Task.FromResult(Payment is { } payment ? new SimulatedAnswer(payment, null) : NoSuchPayment());

    public async Task<SimulatedAnswer> Cancel()
    {
        if (Payment is not { } payment)
        {
            return NoSuchPayment();
        }

        if (payment.State is not (GatewayPaymentState.Succeeded or GatewayPaymentState.Canceled))
        {
            state.State.Payment = payment with { State = GatewayPaymentState.Canceled };
            await state.WriteStateAsync();
        }

        return new SimulatedAnswer(state.State.Payment, null);
    }

    public async Task<SimulatedAnswer> Refund(string idempotencyKey)
    {
        if (Payment is not { } payment)
        {
            return NoSuchPayment();
        }

        if (state.State.RefundKey == idempotencyKey)
        {
            return new SimulatedAnswer(payment, null);
        }

        if (payment.State != GatewayPaymentState.Succeeded || payment.AmountRefunded >= payment.AmountMinor)
        {
            return new SimulatedAnswer(null, payment.AmountRefunded > 0 ? "The charge has already been refunded." : "This PaymentIntent has no successful charge to refund.");
        }

        state.State.Payment = payment with { AmountRefunded = payment.AmountMinor };
        state.State.RefundKey = idempotencyKey;
        await state.WriteStateAsync();
        return new SimulatedAnswer(state.State.Payment, null);
    }

    private SimulatedAnswer NoSuchPayment() => new(null, $"No such payment_intent: '{this.GetPrimaryKeyString()}'.");
}
