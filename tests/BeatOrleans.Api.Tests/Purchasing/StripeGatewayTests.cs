using BeatOrleans.Purchasing.Payments;
using BeatOrleans.Purchasing.Payments.Stripe;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace BeatOrleans.Api.Tests.Purchasing;

/// <summary>The Stripe adapter against the local fake of Stripe's API: only the settings differ from real Stripe.</summary>
public sealed class StripeGatewayTests : IAsyncLifetime
{
    private readonly List<StripePaymentGateway> gateways = [];
    private FakeStripe fake = null!;

    public async Task InitializeAsync() => fake = await FakeStripe.Start();

    public async Task DisposeAsync()
    {
        gateways.ForEach(g => g.Dispose());
        await fake.DisposeAsync();
    }

    [Fact]
    public async Task Create_gives_an_intent_awaiting_a_payment_method_with_its_client_secret_and_metadata()
    {
        var payment = await Gateway().Create(Payment("pur-1", 1999, "USD"), default);

        Assert.StartsWith("pi_", payment.PaymentId, StringComparison.Ordinal);
        Assert.Equal(GatewayPaymentState.RequiresPaymentMethod, payment.State);
        Assert.Equal(1999, payment.AmountMinor);
        Assert.Equal("usd", payment.Currency);
        Assert.StartsWith(payment.PaymentId + "_secret_", payment.ClientSecret, StringComparison.Ordinal);
        Assert.Null(payment.Decline);
        var held = Assert.Single(fake.Ledger.IntentsForPurchase("pur-1"));
        Assert.Equal(payment.PaymentId, held.Id);
        Assert.Equal("beat-7", held.Metadata["beat_id"]);
    }

    [Fact]
    public async Task Confirm_with_a_visa_succeeds_and_captures_once()
    {
        var gateway = Gateway();
        var created = await gateway.Create(Payment("pur-2"), default);

        var paid = await gateway.Confirm(created.PaymentId, "pm_card_visa", "confirm-pur-2", default);

        Assert.Equal(GatewayPaymentState.Succeeded, paid.State);
        Assert.Null(paid.Decline);
        Assert.Equal(0, paid.AmountRefunded);
        Assert.Equal(1, fake.Ledger.CapturedPayments);
        Assert.Equal(2500, fake.Ledger.NetCaptured(created.PaymentId));
    }

    [Theory]
    [InlineData("pm_card_chargeDeclined", "generic_decline")]
    [InlineData("pm_card_chargeDeclinedInsufficientFunds", "insufficient_funds")]
    public async Task A_decline_is_an_answer_that_leaves_the_intent_awaiting_another_method_and_captures_nothing(string method, string code)
    {
        var gateway = Gateway();
        var created = await gateway.Create(Payment("pur-3"), default);

        var declined = await gateway.Confirm(created.PaymentId, method, "confirm-pur-3", default);

        Assert.Equal(GatewayPaymentState.RequiresPaymentMethod, declined.State);
        Assert.Equal(code, declined.Decline?.Code);
        Assert.False(string.IsNullOrEmpty(declined.Decline?.Message));
        Assert.Equal(0, fake.Ledger.CapturedPayments);
        Assert.Equal(code, (await gateway.Retrieve(created.PaymentId, default)).Decline?.Code);
    }

    [Fact]
    public async Task A_declined_intent_can_be_paid_with_another_card()
    {
        var gateway = Gateway();
        var created = await gateway.Create(Payment("pur-4"), default);
        await gateway.Confirm(created.PaymentId, "pm_card_chargeDeclined", "confirm-pur-4-a", default);

        var paid = await gateway.Confirm(created.PaymentId, "pm_card_visa", "confirm-pur-4-b", default);

        Assert.Equal(GatewayPaymentState.Succeeded, paid.State);
        Assert.Null(paid.Decline);
        Assert.Equal(1, fake.Ledger.CapturedPayments);
    }

    [Fact]
    public async Task Create_repeated_with_the_same_idempotency_key_returns_the_same_intent_and_creates_no_second()
    {
        var gateway = Gateway();

        var first = await gateway.Create(Payment("pur-5"), default);
        var again = await gateway.Create(Payment("pur-5"), default);

        Assert.Equal(first, again);
        Assert.Equal(1, fake.Ledger.IntentCount);
    }

    [Fact]
    public async Task The_same_idempotency_key_with_another_amount_is_refused_and_not_transient()
    {
        var gateway = Gateway();
        await gateway.Create(Payment("pur-6", 2500), default);

        var refused = await Assert.ThrowsAsync<PaymentGatewayException>(() => gateway.Create(Payment("pur-6", 2600), default));

        Assert.False(refused.Transient);
        Assert.Contains("idempotency_error", refused.Message, StringComparison.Ordinal);
        Assert.Equal(1, fake.Ledger.IntentCount);
    }

    [Fact]
    public async Task Ten_concurrent_confirms_with_one_key_capture_once()
    {
        var gateway = Gateway();
        var created = await gateway.Create(Payment("pur-7"), default);
        fake.ProcessingDelay = TimeSpan.FromMilliseconds(300);

        var attempts = Enumerable.Range(0, 10).Select(_ => Outcome(() => gateway.Confirm(created.PaymentId, "pm_card_visa", "confirm-pur-7", default))).ToList();
        var outcomes = await Task.WhenAll(attempts);

        Assert.Equal(1, fake.Ledger.CapturedPayments);
        Assert.Contains(outcomes, o => o.Payment?.State == GatewayPaymentState.Succeeded);
        // The ones that met the first still in flight were told to come back (409): transient, never a second charge.
        Assert.All(outcomes, o => Assert.True(o.Payment?.State == GatewayPaymentState.Succeeded || o.Failure is { Transient: true }));
        fake.ProcessingDelay = TimeSpan.Zero;
        var replayed = await gateway.Confirm(created.PaymentId, "pm_card_visa", "confirm-pur-7", default);
        Assert.Equal(GatewayPaymentState.Succeeded, replayed.State);
        Assert.Equal(1, fake.Ledger.CapturedPayments);
    }

    [Fact]
    public async Task Cancel_before_payment_cancels_and_a_later_confirm_cannot_capture()
    {
        var gateway = Gateway();
        var created = await gateway.Create(Payment("pur-8"), default);

        var canceled = await gateway.Cancel(created.PaymentId, "cancel-pur-8", default);

        Assert.Equal(GatewayPaymentState.Canceled, canceled.State);
        var refused = await Assert.ThrowsAsync<PaymentGatewayException>(() => gateway.Confirm(created.PaymentId, "pm_card_visa", "confirm-pur-8", default));
        Assert.False(refused.Transient);
        Assert.Equal(0, fake.Ledger.CapturedPayments);
        Assert.Equal(GatewayPaymentState.Canceled, (await gateway.Cancel(created.PaymentId, "cancel-pur-8-again", default)).State);
    }

    [Fact]
    public async Task Cancel_of_a_succeeded_intent_returns_it_succeeded_and_keeps_the_money()
    {
        var gateway = Gateway();
        var created = await gateway.Create(Payment("pur-9"), default);
        await gateway.Confirm(created.PaymentId, "pm_card_visa", "confirm-pur-9", default);

        var unchanged = await gateway.Cancel(created.PaymentId, "cancel-pur-9", default);

        Assert.Equal(GatewayPaymentState.Succeeded, unchanged.State);
        Assert.Equal(2500, fake.Ledger.NetCaptured(created.PaymentId));
    }

    [Fact]
    public async Task Refund_and_its_replay_refund_once_and_the_payment_shows_the_amount_refunded()
    {
        var gateway = Gateway();
        var created = await gateway.Create(Payment("pur-10"), default);
        await gateway.Confirm(created.PaymentId, "pm_card_visa", "confirm-pur-10", default);

        var refund = await gateway.Refund(created.PaymentId, "refund-pur-10", default);
        var replay = await gateway.Refund(created.PaymentId, "refund-pur-10", default);

        Assert.Equal(refund, replay);
        Assert.StartsWith("re_", refund.RefundId, StringComparison.Ordinal);
        Assert.Equal((created.PaymentId, 2500L, "succeeded"), (refund.PaymentId, refund.AmountMinor, refund.Status));
        Assert.Equal(1, fake.Ledger.RefundCount);
        Assert.Equal(0, fake.Ledger.NetCaptured(created.PaymentId));
        Assert.Equal(2500, (await gateway.Retrieve(created.PaymentId, default)).AmountRefunded);
        var second = await Assert.ThrowsAsync<PaymentGatewayException>(() => gateway.Refund(created.PaymentId, "refund-pur-10-again", default));
        Assert.False(second.Transient);
        Assert.Contains("charge_already_refunded", second.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refund_of_an_unpaid_intent_is_refused()
    {
        var gateway = Gateway();
        var created = await gateway.Create(Payment("pur-11"), default);

        var refused = await Assert.ThrowsAsync<PaymentGatewayException>(() => gateway.Refund(created.PaymentId, "refund-pur-11", default));

        Assert.False(refused.Transient);
        Assert.Equal(0, fake.Ledger.RefundCount);
    }

    [Fact]
    public async Task A_500_from_stripe_is_a_transient_failure_that_creates_nothing()
    {
        fake.Faults.FailNext(1, 500);

        var failed = await Assert.ThrowsAsync<PaymentGatewayException>(() => Gateway().Create(Payment("pur-12"), default));

        Assert.True(failed.Transient);
        Assert.Contains("500", failed.Message, StringComparison.Ordinal);
        Assert.Equal(0, fake.Ledger.IntentCount);
    }

    [Theory]
    [InlineData(429)]
    [InlineData(503)]
    public async Task Rate_limits_and_unavailability_are_transient(int status)
    {
        fake.Faults.FailNext(1, status);

        var failed = await Assert.ThrowsAsync<PaymentGatewayException>(() => Gateway().Create(Payment("pur-13"), default));

        Assert.True(failed.Transient);
    }

    [Fact]
    public async Task Stripe_net_retries_a_5xx_with_the_same_key_and_creates_one_intent()
    {
        fake.Faults.FailNext(1, 500);

        var created = await Gateway(retries: 2).Create(Payment("pur-14"), default);

        Assert.Equal(GatewayPaymentState.RequiresPaymentMethod, created.State);
        Assert.Equal(1, fake.Ledger.IntentCount);
    }

    [Fact]
    public async Task No_answer_within_the_timeout_is_transient()
    {
        fake.Faults.HangNext(1);

        var failed = await Assert.ThrowsAsync<PaymentGatewayException>(() => Gateway(timeout: TimeSpan.FromMilliseconds(500)).Create(Payment("pur-15"), default));

        Assert.True(failed.Transient);
        Assert.Equal(0, fake.Ledger.IntentCount);
    }

    [Fact]
    public async Task A_confirm_whose_answer_was_lost_is_repeated_with_its_key_and_captures_once()
    {
        var gateway = Gateway(timeout: TimeSpan.FromMilliseconds(500));
        var created = await gateway.Create(Payment("pur-16"), default);
        fake.Faults.LoseResponseOfNext(1);

        var lost = await Assert.ThrowsAsync<PaymentGatewayException>(() => gateway.Confirm(created.PaymentId, "pm_card_visa", "confirm-pur-16", default));
        var repeated = await gateway.Confirm(created.PaymentId, "pm_card_visa", "confirm-pur-16", default);

        Assert.True(lost.Transient);
        Assert.Equal(GatewayPaymentState.Succeeded, repeated.State);
        Assert.Equal(1, fake.Ledger.CapturedPayments);
    }

    [Fact]
    public async Task A_wrong_secret_key_is_refused_and_not_transient()
    {
        var failed = await Assert.ThrowsAsync<PaymentGatewayException>(() => Gateway(secretKey: "sk_test_not_this_account").Create(Payment("pur-17"), default));

        Assert.False(failed.Transient);
        Assert.Contains("401", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_payment_method_or_payment_is_refused_and_not_transient()
    {
        var gateway = Gateway();
        var created = await gateway.Create(Payment("pur-18"), default);

        var method = await Assert.ThrowsAsync<PaymentGatewayException>(() => gateway.Confirm(created.PaymentId, "pm_card_does_not_exist", "confirm-pur-18", default));
        var payment = await Assert.ThrowsAsync<PaymentGatewayException>(() => gateway.Retrieve("pi_unknown", default));

        Assert.False(method.Transient);
        Assert.Contains("resource_missing", method.Message, StringComparison.Ordinal);
        Assert.False(payment.Transient);
        Assert.Equal(GatewayPaymentState.RequiresPaymentMethod, (await gateway.Retrieve(created.PaymentId, default)).State);
    }

    [Theory]
    [InlineData("", "whsec_x", false)]
    [InlineData("pk_test_x", "whsec_x", false)]
    [InlineData("sk_test_x", "", false)]
    [InlineData("sk_test_x", "whsec_x", true)]
    [InlineData("rk_live_x", "whsec_x", true)]
    public void Settings_need_a_secret_or_restricted_key_and_a_webhook_secret(string secretKey, string webhookSecret, bool valid)
    {
        var options = new StripeOptions { SecretKey = secretKey, WebhookSecret = webhookSecret };

        Assert.Equal(valid, new StripeOptionsValidator().Validate(null, options).Succeeded);
    }

    internal static NewPayment Payment(string purchaseId, long amount = 2500, string currency = "usd") => new(
        amount,
        currency,
        $"Beat licence, purchase {purchaseId}",
        new Dictionary<string, string> { ["purchase_id"] = purchaseId, ["beat_id"] = "beat-7" },
        $"create-{purchaseId}");

    private static async Task<(GatewayPayment? Payment, PaymentGatewayException? Failure)> Outcome(Func<Task<GatewayPayment>> call)
    {
        try
        {
            return (await call(), null);
        }
        catch (PaymentGatewayException e)
        {
            return (null, e);
        }
    }

    private StripePaymentGateway Gateway(int retries = 0, TimeSpan? timeout = null, string? secretKey = null)
    {
        var gateway = new StripePaymentGateway(
            Options.Create(new StripeOptions
            {
                SecretKey = secretKey ?? fake.SecretKey,
                WebhookSecret = fake.WebhookSecret,
                ApiBase = fake.ApiBase,
                MaxNetworkRetries = retries,
                RequestTimeout = timeout ?? TimeSpan.FromSeconds(10),
            }),
            NullLogger<StripePaymentGateway>.Instance);
        gateways.Add(gateway);
        return gateway;
    }
}
