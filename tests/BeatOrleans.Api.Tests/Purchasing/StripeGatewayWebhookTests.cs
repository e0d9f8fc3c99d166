using BeatOrleans.Api.Purchasing;
using BeatOrleans.Purchasing.Payments.Stripe;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace BeatOrleans.Api.Tests.Purchasing;

/// <summary>Stripe's signed webhooks, as the fake sends them after the adapter's calls, read by <see cref="StripeWebhook"/>.</summary>
public sealed class StripeGatewayWebhookTests : IAsyncLifetime, IDisposable
{
    private readonly ManualClock clock = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private FakeStripe fake = null!;
    private StripePaymentGateway gateway = null!;

    public async Task InitializeAsync()
    {
        fake = await FakeStripe.Start(clock);
        fake.Webhooks.Hold = true;
        gateway = new StripePaymentGateway(
            Options.Create(new StripeOptions { SecretKey = fake.SecretKey, WebhookSecret = fake.WebhookSecret, ApiBase = fake.ApiBase, MaxNetworkRetries = 0 }),
            NullLogger<StripePaymentGateway>.Instance);
    }

    public async Task DisposeAsync()
    {
        await fake.DisposeAsync();
    }

    [Fact]
    public async Task A_valid_delivery_gives_the_event_the_intent_and_the_purchase()
    {
        var intentId = await PaidPurchase("pur-w1");
        var succeeded = fake.Webhooks.Held.Single(e => e.Type == "payment_intent.succeeded");

        var result = Read(fake.Webhooks.Prepare(succeeded), clock);

        Assert.True(result.IsValid, result.Error);
        Assert.Equal(new StripeWebhookEvent(succeeded.Id, "payment_intent.succeeded", intentId, "pur-w1"), result.Event);
    }

    [Fact]
    public async Task A_refund_event_names_the_intent_and_the_purchase_through_its_charge()
    {
        var intentId = await PaidPurchase("pur-w2");
        await gateway.Refund(intentId, "refund-pur-w2", default);
        var refunded = fake.Webhooks.Held.Single(e => e.Type == "charge.refunded");

        var result = Read(fake.Webhooks.Prepare(refunded), clock);

        Assert.True(result.IsValid, result.Error);
        Assert.Equal(("charge.refunded", intentId, "pur-w2"), (result.Event.Type, result.Event.PaymentIntentId, result.Event.PurchaseId));
    }

    [Theory]
    [InlineData(WebhookSignature.Tampered)]
    [InlineData(WebhookSignature.WrongSecret)]
    [InlineData(WebhookSignature.Missing)]
    [InlineData(WebhookSignature.Stale)]
    public async Task A_forged_or_replayed_delivery_is_refused(WebhookSignature signature)
    {
        await PaidPurchase("pur-w3");
        var created = fake.Webhooks.Held.First(e => e.Type == "payment_intent.created");

        var result = Read(fake.Webhooks.Prepare(created, signature), clock);

        Assert.False(result.IsValid);
        Assert.False(string.IsNullOrEmpty(result.Error));
    }

    [Theory]
    [InlineData(299, true)]
    [InlineData(301, false)]
    public async Task A_delivery_is_accepted_within_five_minutes_of_its_signature(int secondsLater, bool accepted)
    {
        await PaidPurchase("pur-w4");
        var request = fake.Webhooks.Prepare(fake.Webhooks.Held[0]);
        var later = new ManualClock(clock.GetUtcNow().AddSeconds(secondsLater));

        var result = Read(request, later);

        Assert.Equal(accepted, result.IsValid);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("null")]
    [InlineData("42")]
    public void A_correctly_signed_body_that_is_not_an_event_is_refused(string body)
    {
        var header = global::Stripe.EventUtility.GenerateSignatureHeader(body, fake.WebhookSecret, clock.GetUtcNow().ToUnixTimeSeconds());

        var result = StripeWebhook.Read(body, header, fake.WebhookSecret, clock);

        Assert.False(result.IsValid);
    }

    [Fact]
    public async Task Events_go_to_the_endpoint_at_once_in_order()
    {
        await using var receiver = await WebhookReceiver.Start(fake.WebhookSecret, clock);
        fake.Webhooks.Endpoint = receiver.Endpoint;
        fake.Webhooks.Hold = false;

        var intentId = await PaidPurchase("pur-w5");
        await fake.Webhooks.WaitUntilSent(TimeSpan.FromSeconds(10));

        var types = receiver.Received.Select(r => r.Event!.Type).ToList();
        Assert.Equal(["payment_intent.created", "payment_intent.succeeded"], types);
        Assert.All(receiver.Received, r => Assert.Equal(intentId, r.Event!.PaymentIntentId));
    }

    [Fact]
    public async Task Held_events_can_be_delivered_duplicated_and_shuffled_and_each_copy_verifies()
    {
        await using var receiver = await WebhookReceiver.Start(fake.WebhookSecret, clock);
        fake.Webhooks.Endpoint = receiver.Endpoint;
        var intentId = await PaidPurchase("pur-w6");
        await gateway.Refund(intentId, "refund-pur-w6", default);
        var held = fake.Webhooks.Held;

        var deliveries = await fake.Webhooks.DeliverHeld(copies: 3, shuffleSeed: 42);

        Assert.Equal(3, held.Count);
        Assert.Equal(9, deliveries.Count);
        Assert.All(deliveries, d => Assert.Equal(200, d.Status));
        Assert.NotEqual(held.SelectMany(e => Enumerable.Repeat(e.Id, 3)), deliveries.Select(d => d.EventId));
        Assert.Equal(held.Select(e => e.Id).Order(), receiver.Received.Select(r => r.Event!.EventId).Distinct().Order());
        Assert.Empty(fake.Webhooks.Held);
        Assert.Equal(400, (await fake.Webhooks.Deliver(held[0], WebhookSignature.Tampered)).Status);
    }

    public void Dispose() => gateway?.Dispose();

    private StripeWebhookResult Read(WebhookRequest request, TimeProvider at) =>
        StripeWebhook.Read(request.Body, request.SignatureHeader, fake.WebhookSecret, at);

    private async Task<string> PaidPurchase(string purchaseId)
    {
        var created = await gateway.Create(StripeGatewayTests.Payment(purchaseId), default);
        await gateway.Confirm(created.PaymentId, "pm_card_visa", $"confirm-{purchaseId}", default);
        return created.PaymentId;
    }
}
