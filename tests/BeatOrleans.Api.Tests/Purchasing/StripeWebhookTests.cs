using System.Net;
using System.Net.Http.Headers;

namespace BeatOrleans.Api.Tests.Purchasing;

/// <summary>
/// The Stripe tests run one after another: they share the fake's webhook endpoint and its holding of webhooks.
/// </summary>
[CollectionDefinition(Name)]
public sealed class StripeGroup
{
    public const string Name = "stripe";
}

/// <summary>
/// The Stripe host whose purchases reconcile only every 5 minutes, so a test of webhooks sees what the webhooks
/// alone did: with the other host's 2 s, the reconciliation may settle a purchase paid at Stripe before a test reads
/// it as still pending.
/// </summary>
public sealed class StripeWebhookHost() : MarketplaceHost(StripeMarketHost.Settings(reconcile: "00:05:00"));

/// <summary>
/// What the Stripe tests share: a client of their host, the fake of Stripe sending its webhooks there, and a market
/// of a producer with a ready beat and a buyer.
/// </summary>
public abstract class StripeTests
{
    protected StripeTests(MarketplaceHost host)
    {
        Http = host.CreateClient();
        Stripe.Webhooks.Endpoint = new Uri(host.BaseAddress, "/api/payments/stripe/webhook");
        Stripe.Webhooks.Hold = false;
    }

    protected HttpClient Http { get; }

    protected FakeStripe Stripe { get; } = StripeMarketHost.Stripe;

    protected async Task<(string Producer, string Buyer, string BeatId)> Market()
    {
        var producer = (await Http.LogIn(await Http.SignUp())).Token;
        var buyer = (await Http.LogIn(await Http.SignUp())).Token;
        return (producer, buyer, (await Http.ReadyBeat(producer)).Id());
    }

    protected async Task<int> Count(
        string token, string path, string list, Func<System.Text.Json.Nodes.JsonNode, bool>? where = null) =>
        (await (await Http.Send(HttpMethod.Get, path, token)).Body(HttpStatusCode.OK))[list]!.AsArray()
            .Count(n => where?.Invoke(n!) ?? true);

    protected Task<int> NotificationsOf(string token, string type) =>
        Count(token, "/api/notifications", "notifications", n => n["type"]!.GetValue<string>() == type);
}

/// <summary>A payment the buyer's browser makes at Stripe, which the marketplace hears of by signed webhooks.</summary>
[Collection(StripeGroup.Name)]
public sealed class StripeWebhookTests(StripeWebhookHost host) : StripeTests(host), IClassFixture<StripeWebhookHost>
{

    [Fact]
    public async Task A_client_side_payment_completes_from_webhooks_delivered_three_times_out_of_order_with_one_effect()
    {
        var (producer, buyer, beatId) = await Market();
        Stripe.Webhooks.Hold = true;
        var placed = await (await Http.Buy(buyer, beatId, "exclusive")).Body(HttpStatusCode.Created);
        var paymentId = placed["payment"]!["payment_id"]!.GetValue<string>();

        // The buyer's browser pays through Stripe.js (a decline, then a good card); the server hears of it only by webhook.
        Assert.Equal(HttpStatusCode.PaymentRequired, (await Stripe.ConfirmAtStripe(paymentId, "pm_card_chargeDeclined")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Stripe.ConfirmAtStripe(paymentId, "pm_card_visa")).StatusCode);
        Assert.Equal("pending_payment", (await Http.Purchase(buyer, placed.PurchaseId())).Status());

        var deliveries = await Stripe.Webhooks.DeliverHeld(copies: 3, shuffleSeed: 7);
        Assert.Contains(deliveries, d => d.Type == "payment_intent.payment_failed");
        Assert.All(deliveries, d => Assert.Equal(200, d.Status));
        Stripe.Webhooks.Hold = false;

        Assert.Equal("completed", (await Http.WaitForStatus(buyer, placed.PurchaseId(), "completed")).Status());
        // The notifications reach the inboxes through a stream, after the purchase reads completed: wait for them,
        // then leave room for a second fulfilment, were there one.
        await Eventually.Holds(async () => await NotificationsOf(buyer, "purchase") >= 1
            && await NotificationsOf(producer, "sale") >= 1);
        await Task.Delay(1000);
        Assert.Equal(1, await NotificationsOf(buyer, "purchase"));
        Assert.Equal(1, await NotificationsOf(producer, "sale"));
        Assert.Equal(1, await Count(producer, "/api/sales", "sales"));
        Assert.Equal(49999, Stripe.Ledger.NetCaptured(paymentId));
        Assert.Equal("sold", (await (await Http.GetAsync($"/api/beats/{beatId}")).Body(HttpStatusCode.OK))["status"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(WebhookSignature.Tampered)]
    [InlineData(WebhookSignature.Stale)]
    [InlineData(WebhookSignature.WrongSecret)]
    [InlineData(WebhookSignature.Missing)]
    public async Task A_webhook_that_fails_verification_is_400_and_changes_nothing(WebhookSignature signature)
    {
        var (_, buyer, beatId) = await Market();
        Stripe.Webhooks.Hold = true;
        var placed = await (await Http.Buy(buyer, beatId, "mp3_lease")).Body(HttpStatusCode.Created);
        Assert.Equal(HttpStatusCode.OK, (await Stripe.ConfirmAtStripe(placed["payment"]!["payment_id"]!.GetValue<string>(), "pm_card_visa")).StatusCode);
        var succeeded = Stripe.Webhooks.Held.Last(e => e.Type == "payment_intent.succeeded");
        Stripe.Webhooks.Hold = false;

        var request = Stripe.Webhooks.Prepare(succeeded, signature);
        using var message = new HttpRequestMessage(HttpMethod.Post, "/api/payments/stripe/webhook") { Content = new StringContent(request.Body) };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (request.SignatureHeader is not null)
        {
            message.Headers.TryAddWithoutValidation("Stripe-Signature", request.SignatureHeader);
        }

        await (await Http.SendAsync(message)).Problem(HttpStatusCode.BadRequest);
        Assert.Equal("pending_payment", (await Http.Purchase(buyer, placed.PurchaseId())).Status());
    }
}

public static class StripeJs
{
    /// <summary>What Stripe.js does in the buyer's browser: confirms the intent directly at Stripe.</summary>
    public static async Task<HttpResponseMessage> ConfirmAtStripe(
        this FakeStripe stripe, string paymentId, string paymentMethod)
    {
        using var client = new HttpClient { BaseAddress = stripe.ApiBase };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/payment_intents/{paymentId}/confirm")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["payment_method"] = paymentMethod }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", stripe.SecretKey);
        return await client.SendAsync(request);
    }
}
