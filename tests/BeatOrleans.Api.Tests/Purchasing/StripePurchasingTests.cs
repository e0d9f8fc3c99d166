using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;

namespace BeatOrleans.Api.Tests.Purchasing;

/// <summary>
/// The marketplace with the Stripe adapter, against the local fake of Stripe's API: the same adapter, settings and
/// webhook endpoint a deployment with real Stripe keys uses. Purchases reconcile every 2 s; the market clock moves.
/// </summary>
public sealed class StripeMarketHost() : MarketplaceHost(Settings(), services => services.AddKeyedSingleton<TimeProvider>(Contracts.Clocks.Market, Clock))
{
    public static readonly FakeStripe Stripe = FakeStripe.Start().GetAwaiter().GetResult();

    public static readonly MarketClock Clock = new();

    public const string PublishableKey = "pk_test_beatorleans";

    /// <summary>
    /// The Stripe settings of these hosts, with purchases reconciling every <paramref name="reconcile"/>.
    /// </summary>
    public static Dictionary<string, string?> Settings(string reconcile = "00:00:02") => new()
    {
        ["Payments:Provider"] = "stripe",
        ["Payments:Stripe:SecretKey"] = Stripe.SecretKey,
        ["Payments:Stripe:WebhookSecret"] = Stripe.WebhookSecret,
        ["Payments:Stripe:ApiBase"] = Stripe.ApiBase.ToString(),
        ["Payments:Stripe:PublishableKey"] = PublishableKey,
        ["Payments:Stripe:RequestTimeout"] = "00:00:02",
        ["Payments:Stripe:MaxNetworkRetries"] = "0",
        ["Purchasing:RetryPeriod"] = "00:00:01",
        ["Purchasing:ReconcilePeriod"] = reconcile,
    };
}

[Collection(StripeGroup.Name)]
public sealed class StripePurchasingTests(StripeMarketHost host) : StripeTests(host), IClassFixture<StripeMarketHost>
{

    [Fact]
    public async Task A_purchase_is_a_stripe_payment_intent_in_minor_units_captured_once()
    {
        var (producer, buyer, beatId) = await Market();
        var placed = await (await Http.Buy(buyer, beatId, "wav_lease")).Body(HttpStatusCode.Created);
        var paymentId = placed["payment"]!["payment_id"]!.GetValue<string>();
        Assert.Equal("stripe", placed["payment"]!["provider"]!.GetValue<string>());
        Assert.StartsWith($"{paymentId}_secret_", placed["payment"]!["client_secret"]!.GetValue<string>(), StringComparison.Ordinal);
        // What Stripe.js needs to confirm in the browser, beside the client secret.
        Assert.Equal(StripeMarketHost.PublishableKey, placed["payment"]!["publishable_key"]!.GetValue<string>());
        var intent = Stripe.Ledger.Intent(paymentId)!;
        Assert.Equal(4999, intent.Amount);
        Assert.Equal("usd", intent.Currency);
        Assert.Equal(placed.PurchaseId(), intent.Metadata["purchase_id"]);
        Assert.Equal(beatId, intent.Metadata["beat_id"]);

        Assert.Equal("completed", (await (await Http.Confirm(buyer, placed.PurchaseId())).Body(HttpStatusCode.OK)).Status());
        Assert.Equal(4999, Stripe.Ledger.NetCaptured(paymentId));
        await Stripe.Webhooks.WaitUntilSent(TimeSpan.FromSeconds(10));
        Assert.Contains(Stripe.Webhooks.Deliveries, d => d.Type == "payment_intent.succeeded" && d.Status == 200);
        Assert.Equal(1, await Count(producer, "/api/sales", "sales"));
        Assert.Single(Stripe.Ledger.IntentsForPurchase(placed.PurchaseId()));
    }

    [Fact]
    public async Task A_payment_refunded_at_stripe_withdraws_the_licence_and_takes_the_sale_out_of_the_totals()
    {
        var (producer, buyer, beatId) = await Market();
        var placed = await (await Http.Buy(buyer, beatId, "mp3_lease")).Body(HttpStatusCode.Created);
        var purchaseId = placed.PurchaseId();
        var paymentId = placed["payment"]!["payment_id"]!.GetValue<string>();
        Assert.Equal("completed", (await (await Http.Confirm(buyer, purchaseId)).Body(HttpStatusCode.OK)).Status());
        await Eventually.Holds(async () => await Count(producer, "/api/sales", "sales") == 1);

        // The producer refunds it in Stripe's dashboard (here its API); Stripe sends charge.refunded.
        using var stripeApi = new HttpClient { BaseAddress = Stripe.ApiBase };
        using var refund = new HttpRequestMessage(HttpMethod.Post, "v1/refunds")
        {
            Content = new FormUrlEncodedContent([new("payment_intent", paymentId)]),
        };
        refund.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Stripe.SecretKey);
        Assert.Equal(HttpStatusCode.OK, (await stripeApi.SendAsync(refund)).StatusCode);

        // The licence is withdrawn (no more files), the sale is listed refunded and leaves the totals, both are told.
        await Eventually.Holds(async () => (await Http.Purchase(buyer, purchaseId)).Status() == "refunded");
        await (await Http.Send(HttpMethod.Get, $"/api/purchases/{purchaseId}/download", buyer))
            .Problem(HttpStatusCode.Conflict);
        var sales = await (await Http.Send(HttpMethod.Get, "/api/sales", producer)).Body(HttpStatusCode.OK);
        Assert.True(Assert.Single(sales["sales"]!.AsArray())!["refunded"]!.GetValue<bool>());
        Assert.Empty(sales["totals"]!.AsArray());
        await Eventually.Holds(async () => await NotificationsOf(buyer, "refund") == 1
            && await NotificationsOf(producer, "refund") == 1);
    }

    [Fact]
    public async Task A_hundred_concurrent_buyers_of_one_exclusive_make_one_payment_intent_and_one_capture()
    {
        var producer = (await Http.LogIn(await Http.SignUp())).Token;
        var beatId = (await Http.ReadyBeat(producer)).Id();
        // The buyers sign up two at a time: 200 password hashes at once queue behind the hashing slots (cores - 1) for
        // longer than a grain call may wait on a busy 2-core machine, and four at a time were once refused 503 (busy)
        // while other test classes hashed beside them. What runs concurrently below is the buying.
        var buyers = new System.Collections.Concurrent.ConcurrentBag<string>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 100), new ParallelOptions { MaxDegreeOfParallelism = 2 },
            async (_, _) => buyers.Add((await Http.LogIn(await Http.SignUp())).Token));
        var intentsBefore = Stripe.Ledger.IntentCount;
        var capturesBefore = Stripe.Ledger.CapturedPayments;

        var answers = await Task.WhenAll(buyers.Select(async token => (Token: token, Response: await Http.Buy(token, beatId, "exclusive"))));
        var winner = Assert.Single(answers, a => a.Response.StatusCode == HttpStatusCode.Created);
        Assert.Equal(99, answers.Count(a => a.Response.StatusCode == HttpStatusCode.Conflict));
        var placed = await winner.Response.Body(HttpStatusCode.Created);

        // Everyone then tries to pay: only the holder has anything to pay, and pays once.
        var confirms = await Task.WhenAll(answers.Select(a => Http.Confirm(a.Token, placed.PurchaseId())));
        Assert.Single(confirms, c => c.StatusCode == HttpStatusCode.OK);
        Assert.Equal(99, confirms.Count(c => c.StatusCode == HttpStatusCode.NotFound));
        Assert.Equal(1, Stripe.Ledger.IntentCount - intentsBefore);
        Assert.Equal(1, Stripe.Ledger.CapturedPayments - capturesBefore);
        Assert.Equal(1, await Count(producer, "/api/sales", "sales"));
    }

    [Fact]
    public async Task A_decline_is_402_the_intent_is_cancelled_and_nothing_is_captured()
    {
        var (_, buyer, beatId) = await Market();
        var placed = await (await Http.Buy(buyer, beatId, "exclusive")).Body(HttpStatusCode.Created);
        var declined = await (await Http.Confirm(buyer, placed.PurchaseId(), "pm_card_chargeDeclinedInsufficientFunds")).Body(HttpStatusCode.PaymentRequired);
        Assert.Equal("failed", declined.Status());
        Assert.Contains("insufficient funds", declined["failure_reason"]!.GetValue<string>(), StringComparison.Ordinal);
        var intent = Stripe.Ledger.Intent(placed["payment"]!["payment_id"]!.GetValue<string>())!;
        Assert.Equal("canceled", intent.Status);
        Assert.Equal(0, intent.AmountCaptured);
    }

    [Fact]
    public async Task Stripe_failing_on_create_is_503_holds_nothing_and_the_same_key_then_succeeds()
    {
        var (_, buyer, beatId) = await Market();
        var other = (await Http.LogIn(await Http.SignUp())).Token;
        var key = Guid.NewGuid().ToString();
        Stripe.Faults.FailNext(1, 500);
        await (await Http.Buy(buyer, beatId, "exclusive", key)).Problem(HttpStatusCode.ServiceUnavailable);

        var retried = await (await Http.Buy(buyer, beatId, "exclusive", key)).Body(HttpStatusCode.Created);
        Assert.Single(Stripe.Ledger.IntentsForPurchase(retried.PurchaseId()));
        await (await Http.Buy(other, beatId, "exclusive")).Problem(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_confirmation_whose_answer_is_lost_settles_from_stripe_with_one_capture()
    {
        var (producer, buyer, beatId) = await Market();
        Stripe.Webhooks.Hold = true; // only the purchase's own reconciliation may settle it
        var placed = await (await Http.Buy(buyer, beatId, "unlimited")).Body(HttpStatusCode.Created);
        Stripe.Faults.LoseResponseOfNext(1);

        var pending = await (await Http.Confirm(buyer, placed.PurchaseId())).Body(HttpStatusCode.Accepted);
        Assert.Equal("processing", pending.Status());

        Assert.Equal("completed", (await Http.WaitForStatus(buyer, placed.PurchaseId(), "completed")).Status());
        Assert.Equal(19999, Stripe.Ledger.NetCaptured(placed["payment"]!["payment_id"]!.GetValue<string>()));
        Assert.Equal(1, Stripe.Ledger.IntentsForPurchase(placed.PurchaseId()).Count(i => i.AmountCaptured > 0));
        Assert.Equal(1, await Count(producer, "/api/sales", "sales"));
        Stripe.Webhooks.Hold = false;
    }

    [Fact]
    public async Task A_confirmation_stripe_failed_on_is_sent_again_under_a_new_key_and_captures_once()
    {
        var (producer, buyer, beatId) = await Market();
        Stripe.Webhooks.Hold = true;
        var placed = await (await Http.Buy(buyer, beatId, "wav_lease")).Body(HttpStatusCode.Created);
        Stripe.Faults.FailNext(1, 500);

        Assert.Equal("processing", (await (await Http.Confirm(buyer, placed.PurchaseId())).Body(HttpStatusCode.Accepted)).Status());

        // The reconciliation reads the intent (still unpaid, no decline) and confirms again: one capture, one sale.
        Assert.Equal("completed", (await Http.WaitForStatus(buyer, placed.PurchaseId(), "completed")).Status());
        Assert.Equal(4999, Stripe.Ledger.NetCaptured(placed["payment"]!["payment_id"]!.GetValue<string>()));
        Assert.Single(Stripe.Ledger.IntentsForPurchase(placed.PurchaseId()));
        Assert.Equal(1, await Count(producer, "/api/sales", "sales"));
        Stripe.Webhooks.Hold = false;
    }

    [Fact]
    public async Task A_payment_captured_after_the_beat_was_withdrawn_is_refunded_in_full()
    {
        var (producer, buyer, beatId) = await Market();
        var refundsBefore = Stripe.Ledger.RefundCount;
        var placed = await (await Http.Buy(buyer, beatId, "mp3_lease")).Body(HttpStatusCode.Created);
        await (await Http.Send(HttpMethod.Delete, $"/api/beats/{beatId}/delete", producer)).Body(HttpStatusCode.OK);

        // The buyer's browser still holds the client secret and pays: the capture cannot become a licence.
        var paymentId = placed["payment"]!["payment_id"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.OK, (await Stripe.ConfirmAtStripe(paymentId, "pm_card_visa")).StatusCode);

        var refunded = await Http.WaitForStatus(buyer, placed.PurchaseId(), "refunded");
        Assert.Contains("refunded in full", refunded["failure_reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, Stripe.Ledger.NetCaptured(paymentId));
        Assert.Equal(1, Stripe.Ledger.RefundCount - refundsBefore);
        Assert.Equal(0, await Count(producer, "/api/sales", "sales"));
        await (await Http.Send(HttpMethod.Get, $"/api/purchases/{placed.PurchaseId()}/download", buyer)).Problem(HttpStatusCode.Conflict);
        await Eventually.Until(() => NotificationsOf(buyer, "refund"), count => count != 0, TimeSpan.FromSeconds(10));

        Assert.Equal(1, await NotificationsOf(buyer, "refund"));
    }
}
