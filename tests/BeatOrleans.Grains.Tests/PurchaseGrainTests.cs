using BeatOrleans.Contracts;
using BeatOrleans.Contracts.Catalog;
using BeatOrleans.Contracts.Chat;
using BeatOrleans.Contracts.Notifications;
using BeatOrleans.Contracts.Purchasing;
using BeatOrleans.Purchasing.Payments;
using BeatOrleans.Purchasing.Payments.Simulated;

namespace BeatOrleans.Grains.Tests;

/// <summary>
/// The money paths at grain level: the beat, the purchase, the simulated provider and the ledgers in one cluster, the
/// payment window moved by the tests' clock. What each test checks is what the buyer and the producer would: the
/// outcome, the charge, the licence or the refund, the sale in the ledger, the notification.
/// </summary>
[Collection(GrainClusterGroup.Name)]
public sealed class PurchaseGrainTests(GrainCluster cluster)
{
    private const long LeaseMinor = 2999;
    private const long ExclusiveMinor = 49900;

    /// <summary>Past the default 15-minute payment window.</summary>
    private static readonly TimeSpan PastTheWindow = TimeSpan.FromMinutes(16);

    private static readonly LicenseTier[] Tiers =
        [new(LicenseTypes.Mp3Lease, 29.99m, "USD"), new(LicenseTypes.Exclusive, 499m, "USD")];

    private SimulatedPaymentGateway Provider => new(cluster.Grains);

    [Fact]
    public async Task An_exclusive_bought_under_100_concurrent_purchase_ids_is_held_once_charged_once_and_sold_once()
    {
        var (producer, beatId) = await ReadyBeat();

        var results = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => PlaceAndPay(NewId(), beatId, LicenseTypes.Exclusive)));

        var (placed, confirmed) = Assert.Single(results, r => r.Placed.Outcome == OrderOutcome.Created);
        // Held while the winner pays, sold once it has.
        Assert.All(results.Where(r => r.Placed.Outcome != OrderOutcome.Created), r => Assert.Contains(r.Placed.Outcome, new[] { OrderOutcome.Held, OrderOutcome.Sold }));
        Assert.Equal(ConfirmOutcome.Completed, confirmed!.Outcome);
        Assert.Equal(BeatStatus.Sold, (await Beat(beatId).GetBeat())!.Status);
        Assert.Equal([new SalesTotal("USD", ExclusiveMinor, 1)], await Ledger(producer).SalesTotals());
        Assert.Equal(GatewayPaymentState.Succeeded, (await Provider.Retrieve(placed.Purchase!.Payment.PaymentId!, default)).State);
    }

    [Fact]
    public async Task Leases_bought_under_100_concurrent_purchase_ids_all_complete_with_one_sale_each()
    {
        var (producer, beatId) = await ReadyBeat();

        var results = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => PlaceAndPay(NewId(), beatId, LicenseTypes.Mp3Lease)));

        Assert.All(results, r => Assert.Equal((OrderOutcome.Created, ConfirmOutcome.Completed), (r.Placed.Outcome, r.Confirmed!.Outcome)));
        Assert.Equal([new SalesTotal("USD", 100 * LeaseMinor, 100)], await Ledger(producer).SalesTotals());
        Assert.Equal(100, results.Select(r => r.Placed.Purchase!.Payment.PaymentId).Distinct().Count());
        Assert.Equal(BeatStatus.Ready, (await Beat(beatId).GetBeat())!.Status);
    }

    [Fact]
    public async Task An_exclusive_hold_ends_with_the_payment_window_and_the_late_confirmation_closes_uncharged()
    {
        var (producer, beatId) = await ReadyBeat();
        var (late, early) = (NewId(), NewId());
        var first = await Purchase(late).Place(Order(late, beatId, LicenseTypes.Exclusive));
        Assert.Equal(OrderOutcome.Created, first.Outcome);
        Assert.Equal(OrderOutcome.Held, (await Purchase(NewId()).Place(Order(early, beatId, LicenseTypes.Exclusive))).Outcome);

        GrainCluster.Clock.Advance(PastTheWindow);

        var second = NewId();
        Assert.Equal(OrderOutcome.Created, (await Purchase(second).Place(Order(early, beatId, LicenseTypes.Exclusive))).Outcome);
        var closed = await Purchase(late).Confirm(late, "pm_card_visa");
        Assert.Equal(ConfirmOutcome.Closed, closed.Outcome);
        Assert.Equal(PurchaseStatus.Expired, closed.Purchase!.Status);
        Assert.Equal(GatewayPaymentState.Canceled, (await Provider.Retrieve(first.Purchase!.Payment.PaymentId!, default)).State);
        Assert.Equal(ConfirmOutcome.Completed, (await Purchase(second).Confirm(early, "pm_card_visa")).Outcome);
        Assert.Equal([new SalesTotal("USD", ExclusiveMinor, 1)], await Ledger(producer).SalesTotals());
    }

    [Fact]
    public async Task Placing_again_with_the_same_key_answers_the_first_result_with_one_payment_and_one_sale()
    {
        var (producer, beatId) = await ReadyBeat();
        var buyer = NewId();
        var purchase = Purchase(NewId());
        var order = Order(buyer, beatId, LicenseTypes.Mp3Lease);

        var answers = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => purchase.Place(order)));
        var first = answers[0];
        Assert.Equal(OrderOutcome.Created, first.Outcome);
        Assert.All(answers, a => Assert.Equal(Identity(first), Identity(a)));
        Assert.Equal(OrderOutcome.KeyReused, (await purchase.Place(order with { RequestHash = "another body" })).Outcome);

        Assert.Equal(ConfirmOutcome.Completed, (await purchase.Confirm(buyer, "pm_card_visa")).Outcome);
        Assert.Equal(Identity(first), Identity(await purchase.Place(order)));
        Assert.Equal([purchase.GetPrimaryKeyString()], (await Ledger(buyer).Purchases(10, null))!.Items);
        Assert.Equal([new SalesTotal("USD", LeaseMinor, 1)], await Ledger(producer).SalesTotals());
    }

    [Fact]
    public async Task A_confirmation_whose_answer_was_lost_completes_on_the_next_confirm_with_one_capture_and_one_sale()
    {
        var lease = await PlacedLease();

        Faults.LoseNextConfirmAnswer();
        // The purchase ran and met the lost answer: its caller hears that it ran, not that it never did.
        var lost = await Assert.ThrowsAsync<CallFailedAfterRunningException>(
            () => lease.Purchase.Confirm(lease.Buyer, "pm_card_visa"));
        Assert.Contains(nameof(TimeoutException), lost.Message, StringComparison.Ordinal);

        var again = await lease.Purchase.Confirm(lease.Buyer, "pm_card_visa");
        Assert.Equal((ConfirmOutcome.Completed, PurchaseStatus.Completed), (again.Outcome, again.Purchase!.Status));
        var payment = await Provider.Retrieve(lease.PaymentId, default);
        Assert.Equal((GatewayPaymentState.Succeeded, 0L), (payment.State, payment.AmountRefunded));
        Assert.Equal([new SalesTotal("USD", LeaseMinor, 1)], await Ledger(lease.Producer).SalesTotals());
    }

    [Fact]
    public async Task A_payment_captured_in_the_window_but_seen_after_it_closed_is_honoured_with_the_licence()
    {
        var lease = await PlacedLease();
        // The buyer's browser confirms with the provider directly; the purchase hears of it only by webhook.
        await Provider.Confirm(lease.PaymentId, "pm_card_visa", "client-side", default);

        GrainCluster.Clock.Advance(PastTheWindow);

        Assert.True(await lease.Purchase.PaymentChanged($"evt_{NewId()}"));
        Assert.Equal(PurchaseStatus.Completed, (await lease.Purchase.GetPurchase())!.Status);
        Assert.Equal([new SalesTotal("USD", LeaseMinor, 1)], await Ledger(lease.Producer).SalesTotals());
    }

    [Fact]
    public async Task A_payment_captured_for_a_beat_withdrawn_meanwhile_is_refunded_in_full_when_the_purchase_closes()
    {
        var lease = await PlacedLease();
        await Provider.Confirm(lease.PaymentId, "pm_card_visa", "client-side", default);
        Assert.Equal(DeleteOutcome.Deleted, await Beat(lease.BeatId).Delete(lease.Producer));

        GrainCluster.Clock.Advance(PastTheWindow);

        Assert.True(await lease.Purchase.PaymentChanged($"evt_{NewId()}"));
        Assert.Equal(PurchaseStatus.Refunded, (await lease.Purchase.GetPurchase())!.Status);
        var payment = await Provider.Retrieve(lease.PaymentId, default);
        Assert.Equal(payment.AmountMinor, payment.AmountRefunded);
        Assert.Empty(await Ledger(lease.Producer).SalesTotals());
        Assert.Contains("refunded in full", (await Arrived(lease.Buyer, "refund")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_late_payment_at_an_offers_price_used_by_another_purchase_is_refunded_and_one_sale_stands()
    {
        var (producer, beatId) = await ReadyBeat();
        var buyer = NewId();
        var offerId = await AcceptedOffer(buyer, producer, beatId, amountMinor: 2000);

        // The first purchase at the offer's price closes while the buyer's own payment of it is processing.
        var (first, placed) = await ClosedWithPaymentOpen(
            Order(buyer, beatId, LicenseTypes.Mp3Lease) with { OfferId = offerId });
        Assert.Equal(2000L, placed.AmountMinor);

        // The offer is free again: a second purchase uses it and is paid.
        var second = Purchase(NewId());
        var again = await second.Place(Order(buyer, beatId, LicenseTypes.Mp3Lease) with { OfferId = offerId });
        Assert.Equal((OrderOutcome.Created, 2000L), (again.Outcome, again.Purchase!.AmountMinor));
        Assert.Equal(ConfirmOutcome.Completed, (await second.Confirm(buyer, "pm_card_visa")).Outcome);

        // Then the first payment is captured after all, and the purchase hears of it.
        await Provider.Confirm(placed.Payment.PaymentId!, "pm_card_visa", "client-side", default);
        Assert.True(await first.PaymentChanged($"evt_{NewId()}"));

        var refunded = (await first.GetPurchase())!;
        Assert.Equal(PurchaseStatus.Refunded, refunded.Status);
        Assert.Contains(again.Purchase.PurchaseId, refunded.FailureReason, StringComparison.Ordinal);
        var payment = await Provider.Retrieve(placed.Payment.PaymentId!, default);
        Assert.Equal((GatewayPaymentState.Succeeded, 2000L), (payment.State, payment.AmountRefunded));
        Assert.Equal([new SalesTotal("USD", 2000, 1)], await Ledger(producer).SalesTotals());
        var offer = (await cluster.Grains.GetGrain<IOfferGrain>(offerId).GetOffer(buyer))!;
        Assert.Equal((OfferStatus.Purchased, again.Purchase.PurchaseId), (offer.Status, offer.PurchaseId));
        var notice = await Arrived(buyer, "refund");
        Assert.Contains("already priced another purchase", notice.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_purchase_priced_by_an_offer_that_a_late_payment_used_meanwhile_is_not_charged()
    {
        var (producer, beatId) = await ReadyBeat();
        var buyer = NewId();
        var offerId = await AcceptedOffer(buyer, producer, beatId, amountMinor: 2100);
        var (first, placed) = await ClosedWithPaymentOpen(
            Order(buyer, beatId, LicenseTypes.Mp3Lease) with { OfferId = offerId });
        var second = Purchase(NewId());
        var again = await second.Place(Order(buyer, beatId, LicenseTypes.Mp3Lease) with { OfferId = offerId });
        Assert.Equal(OrderOutcome.Created, again.Outcome);

        // The first payment is captured and honoured before the second purchase is paid.
        await Provider.Confirm(placed.Payment.PaymentId!, "pm_card_visa", "client-side", default);
        Assert.True(await first.PaymentChanged($"evt_{NewId()}"));
        Assert.Equal(PurchaseStatus.Completed, (await first.GetPurchase())!.Status);

        var confirmed = await second.Confirm(buyer, "pm_card_visa");
        Assert.Equal(PurchaseStatus.Failed, confirmed.Purchase!.Status);
        Assert.Contains(placed.PurchaseId, confirmed.Purchase.FailureReason, StringComparison.Ordinal);
        var unpaid = await Provider.Retrieve(again.Purchase!.Payment.PaymentId!, default);
        Assert.NotEqual(GatewayPaymentState.Succeeded, unpaid.State);
        Assert.Equal([new SalesTotal("USD", 2100, 1)], await Ledger(producer).SalesTotals());
    }

    [Fact]
    public async Task A_late_payment_with_a_coupon_counts_as_its_use_so_the_last_use_is_not_given_twice()
    {
        var (producer, beatId) = await ReadyBeat();
        var code = $"LAST{NewId()[..8]}".ToUpperInvariant();
        var coupons = cluster.Grains.GetGrain<ICouponBookGrain>(producer);
        Assert.Equal(CreateCouponOutcome.Created, await coupons.Create(
            new Coupon(code, 50, null, null, [], [], null, MaxUses: 1, GrainCluster.Clock.GetUtcNow())));

        // The purchase closes while the buyer's own payment of it, at half price, is processing.
        var (first, placed) = await ClosedWithPaymentOpen(
            Order(NewId(), beatId, LicenseTypes.Mp3Lease) with { Coupon = code });
        Assert.Equal(1499L, placed.AmountMinor);
        Assert.Equal((0, 0), await Uses(coupons, code));

        await Provider.Confirm(placed.Payment.PaymentId!, "pm_card_visa", "client-side", default);
        Assert.True(await first.PaymentChanged($"evt_{NewId()}"));
        Assert.Equal(PurchaseStatus.Completed, (await first.GetPurchase())!.Status);

        // Charged at half price, so that was the coupon's one use: the next buyer is refused it.
        Assert.Equal((1, 0), await Uses(coupons, code));
        var next = await Purchase(NewId()).Place(Order(NewId(), beatId, LicenseTypes.Mp3Lease) with { Coupon = code });
        Assert.Equal(OrderOutcome.CouponUnavailable, next.Outcome);
    }

    private static async Task<(int Uses, int Reserved)> Uses(ICouponBookGrain coupons, string code) =>
        await coupons.Find(code) is { } usage
            ? (usage.Uses, usage.Reserved)
            : throw new InvalidOperationException($"No coupon {code}.");

    [Fact]
    public async Task A_stream_failure_at_confirmation_reaches_no_caller_and_the_notifications_follow_once_it_is_back()
    {
        var lease = await PlacedLease();

        using (var outage = Faults.StreamOutage())
        {
            var confirmed = await lease.Purchase.Confirm(lease.Buyer, "pm_card_visa");
            Assert.Equal((ConfirmOutcome.Completed, PurchaseStatus.Completed), (confirmed.Outcome, confirmed.Purchase!.Status));
            Assert.True(outage.Refused > 0, "the confirmation published nothing while the stream was down");
            Assert.Empty(await Inbox(lease.Buyer).GetNotifications(false, 10));
        }

        Assert.Equal("Your beat has been successfully purchased", (await Arrived(lease.Buyer, "purchase")).Message);
        Assert.Contains("29.99 USD", (await Arrived(lease.Producer, "sale")).Message, StringComparison.Ordinal);
    }

    private static (OrderOutcome, string?, string?, DateTimeOffset?) Identity(OrderResult answer) =>
        (answer.Outcome, answer.Purchase?.PurchaseId, answer.Purchase?.Payment.PaymentId, answer.Purchase?.CreatedAt);

    private static string NewId() => Guid.NewGuid().ToString("N");

    private static PurchaseOrder Order(string buyer, string beatId, string license) => new(buyer, beatId, license, $"{buyer}|{beatId}|{license}");

    private IBeatGrain Beat(string beatId) => cluster.Grains.GetGrain<IBeatGrain>(beatId);

    private IPurchaseGrain Purchase(string purchaseId) => cluster.Grains.GetGrain<IPurchaseGrain>(purchaseId);

    private IPurchaseLedgerGrain Ledger(string userId) => cluster.Grains.GetGrain<IPurchaseLedgerGrain>(userId);

    private IInboxGrain Inbox(string userId) => cluster.Grains.GetGrain<IInboxGrain>(userId);

    [Fact]
    public async Task An_offer_whose_chat_post_answer_was_lost_shows_its_card_once()
    {
        var (producer, beatId) = await ReadyBeat();
        var buyer = NewId();
        var offer = cluster.Grains.GetGrain<IOfferGrain>(NewId());
        Faults.LoseNextChatSendAnswer(ChatIds.For(buyer, producer));

        var made = await offer.Make(
            new OfferDraft(buyer, beatId, LicenseTypes.Mp3Lease, 1999, "USD", "would you take less?"));

        Assert.Equal(OfferOutcome.Done, made.Outcome);
        var chat = cluster.Grains.GetGrain<IConversationGrain>(ChatIds.For(buyer, producer));
        // The offer's retry timer (Purchasing:RetryPeriod, 1 s here) posts the card again until an answer comes back.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var messages = (await chat.GetMessages(producer, null, null, 10))!.Messages;
        Assert.Single(messages, m => m.Offer?.OfferId == made.Offer!.OfferId);
    }

    /// <summary>A beat as media processing leaves it: ready, listed, with its files stored.</summary>
    private async Task<(string Producer, string BeatId)> ReadyBeat()
    {
        var (producer, beatId) = (NewId(), NewId());
        static StoredFile File(string name) => new($"beats/{name}", name == "wav" ? "wav" : "mp3", 1_000);
        await Beat(beatId).Create(new BeatDraft(producer, "Night Drive", "Producer", "trap", 140, "Am", ["dark"], Tiers, File("master"), null));
        await Beat(beatId).CompleteProcessing(new BeatMedia(120, 44_100, 2, File("preview"), File("mp3"), File("wav"), [0.5f]));
        return (producer, beatId);
    }

    /// <summary>
    /// A placed purchase closed by the end of its payment window while the buyer's browser was paying it: the
    /// provider refused the cancel, as Stripe does while a payment processes, so the payment may still be captured.
    /// </summary>
    private async Task<(IPurchaseGrain Purchase, Purchase Placed)> ClosedWithPaymentOpen(PurchaseOrder order)
    {
        var purchase = Purchase(NewId());
        var placed = await purchase.Place(order);
        Assert.Equal(OrderOutcome.Created, placed.Outcome);
        GrainCluster.Clock.Advance(PastTheWindow);
        Faults.RefuseNextCancel();
        Assert.True(await purchase.PaymentChanged($"evt_{NewId()}"));
        Assert.Equal(PurchaseStatus.Expired, (await purchase.GetPurchase())!.Status);
        return (purchase, placed.Purchase!);
    }

    /// <summary>The buyer's offer for the beat's MP3 lease, accepted by its producer.</summary>
    private async Task<string> AcceptedOffer(string buyer, string producer, string beatId, long amountMinor)
    {
        var offer = cluster.Grains.GetGrain<IOfferGrain>(NewId());
        var made = await offer.Make(new OfferDraft(buyer, beatId, LicenseTypes.Mp3Lease, amountMinor, "USD", null));
        Assert.Equal(OfferOutcome.Done, made.Outcome);
        Assert.Equal(OfferOutcome.Done, (await offer.Accept(producer)).Outcome);
        return made.Offer!.OfferId;
    }

    /// <summary>A ready beat and one buyer's placed order of its MP3 lease, not paid yet.</summary>
    private async Task<Placed> PlacedLease()
    {
        var (producer, beatId) = await ReadyBeat();
        var buyer = NewId();
        var purchase = Purchase(NewId());
        var answer = await purchase.Place(Order(buyer, beatId, LicenseTypes.Mp3Lease));
        Assert.Equal(OrderOutcome.Created, answer.Outcome);
        return new Placed(producer, beatId, buyer, purchase, answer.Purchase!.Payment.PaymentId!);
    }

    /// <summary>One buyer's order and, when it was placed, its confirmation with a card that pays.</summary>
    private async Task<(OrderResult Placed, ConfirmResult? Confirmed)> PlaceAndPay(string buyer, string beatId, string license)
    {
        var purchase = Purchase(NewId());
        var placed = await purchase.Place(Order(buyer, beatId, license));
        return (placed, placed.Outcome == OrderOutcome.Created ? await purchase.Confirm(buyer, "pm_card_visa") : null);
    }

    /// <summary>The user's notification of this type, once it arrived (the stream delivers within a pulling period; a retry within a second more).</summary>
    private async Task<Notification> Arrived(string userId, string type)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(15); ; await Task.Delay(50))
        {
            var found = (await Inbox(userId).GetNotifications(false, 10)).FirstOrDefault(n => n.Type == type);
            if (found is not null || DateTime.UtcNow > deadline)
            {
                return found ?? throw new Xunit.Sdk.XunitException($"No '{type}' notification reached {userId} within 15 s.");
            }
        }
    }

    private sealed record Placed(string Producer, string BeatId, string Buyer, IPurchaseGrain Purchase, string PaymentId);
}
