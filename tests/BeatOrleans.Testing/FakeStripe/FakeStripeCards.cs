namespace BeatOrleans.Testing;

/// <summary>An outcome of Stripe's test payment methods: null error for a card that pays.</summary>
internal sealed record FakeCardOutcome(string? Code, string? DeclineCode, string? Message)
{
    public bool Pays => Code is null;
}

/// <summary>Stripe's documented test PaymentMethods (docs: Testing, "Declined payments") and what confirming with them does.</summary>
internal static class FakeStripeCards
{
    private static readonly FakeCardOutcome Pays = new(null, null, null);

    private static readonly Dictionary<string, FakeCardOutcome> Outcomes = new(StringComparer.Ordinal)
    {
        ["pm_card_visa"] = Pays,
        ["pm_card_visa_debit"] = Pays,
        ["pm_card_mastercard"] = Pays,
        ["pm_card_amex"] = Pays,
        ["pm_card_chargeDeclined"] = new("card_declined", "generic_decline", "Your card was declined."),
        ["pm_card_chargeDeclinedInsufficientFunds"] = new("card_declined", "insufficient_funds", "Your card has insufficient funds."),
        ["pm_card_chargeDeclinedLostCard"] = new("card_declined", "lost_card", "Your card was declined."),
        ["pm_card_chargeDeclinedStolenCard"] = new("card_declined", "stolen_card", "Your card was declined."),
        ["pm_card_chargeDeclinedExpiredCard"] = new("expired_card", null, "Your card has expired."),
        ["pm_card_chargeDeclinedIncorrectCvc"] = new("incorrect_cvc", null, "Your card's security code is incorrect."),
        ["pm_card_chargeDeclinedProcessingError"] = new("processing_error", null, "An error occurred while processing your card. Try again in a little bit."),
    };

    public static FakeCardOutcome? Outcome(string paymentMethod) =>
        Outcomes.GetValueOrDefault(paymentMethod);
}
