using BeatOrleans.Contracts.Catalog;
using BeatOrleans.Contracts.Events;
using BeatOrleans.Contracts.Notifications;
using BeatOrleans.Contracts.Purchasing;
using BeatOrleans.Contracts.Users;
using BeatOrleans.Outbox;
using BeatOrleans.Purchasing.Payments;
using Microsoft.Extensions.Logging;

namespace BeatOrleans.Purchasing.Purchases;

/// <summary>What happens once the money moved: the licence or a refund, then the ledgers, the profile and the notifications.</summary>
internal sealed partial class PurchaseGrain
{
    private const string SoldMeanwhile =
        "The beat could no longer be sold when this payment arrived (sold exclusively to another buyer, or withdrawn); it was refunded in full.";

    private static string OfferUsedBy(string purchaseId) =>
        $"The accepted offer that priced this purchase had been used by purchase {purchaseId} when this payment "
        + "arrived; it was refunded in full.";

    /// <summary>The payment is captured: the beat grants the licence, or refuses it (sold meanwhile) and the payment is refunded.</summary>
    private async Task Grant()
    {
        var p = State.Purchase!;
        // An accepted offer prices one purchase. A payment captured after its purchase had closed (the buyer's browser
        // racing the end of the window) may find another purchase paid at the offer's price meanwhile: refunded.
        var usedBy = p.Pricing?.OfferId is { } offerId
            ? await GrainFactory.GetGrain<IOfferGrain>(offerId).Use(PurchaseId)
            : null;
        if (usedBy is not null || !await Beat(p.BeatId).CompleteSale(PurchaseId, p.LicenseType))
        {
            SetStage(PurchaseStage.Refunding);
            State.Purchase = State.Purchase! with
            {
                FailureReason = usedBy is null ? SoldMeanwhile : OfferUsedBy(usedBy),
            };
            await Commit();
            return;
        }

        // If recording the event fails, nothing has changed: the purchase is still paid and the next attempt repeats this.
        var (buyerName, producerName) = await PartyNames(p);
        var now = clock.GetUtcNow();
        var amount = Money.ToMajor(p.AmountMinor, p.Currency);
        await Commit(
            integrationEvent: IntegrationEvents.Create($"{PurchaseId}.completed", EventTypes.PurchaseCompleted, PurchaseId, now,
                new PurchaseCompletedData(PurchaseId, p.BeatId, p.BuyerId, p.ProducerId, p.LicenseType, amount, p.Currency, p.Payment.Provider, p.Payment.PaymentId, now)),
            change: () =>
            {
                SetStage(PurchaseStage.Completed);
                State.Purchase = State.Purchase! with
                {
                    CompletedAt = now, BuyerName = buyerName, ProducerName = producerName,
                };
            },
            notices:
            [
                new NotificationRequested($"purchase:{PurchaseId}", this.GetGrainId(), p.BuyerId, "purchase",
                    "Your beat has been successfully purchased", now, NotificationSubjects.Purchase, PurchaseId),
                new NotificationRequested($"sale:{PurchaseId}", this.GetGrainId(), p.ProducerId, "sale",
                    $"You sold the {LicenseTypes.DisplayName(p.LicenseType)} licence of \"{p.BeatTitle}\" for "
                    + $"{Money.Format(amount, p.Currency)}.",
                    now, NotificationSubjects.Purchase, PurchaseId),
            ],
            followUp: RecordCompletionOrRetryLater);
    }

    /// <summary>
    /// The parties' usernames at the sale, for the licence agreement, which must read the same later whatever they are
    /// renamed to. Without an answer (the users domain down) the names stay unknown and the agreement shows the
    /// current ones: the sale does not wait for them.
    /// </summary>
    private async Task<(string? Buyer, string? Producer)> PartyNames(Purchase p)
    {
        try
        {
            var profiles = await Task.WhenAll(
                GrainFactory.GetGrain<IUserGrain>(p.BuyerId).GetProfile(),
                GrainFactory.GetGrain<IUserGrain>(p.ProducerId).GetProfile());
            return (profiles[0]?.Username, profiles[1]?.Username);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            LogNamesUnknown(logger, exception, PurchaseId);
            return (null, null);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Purchase {PurchaseId}: the parties' names could not be read; its agreement shows the current ones")]
    private static partial void LogNamesUnknown(ILogger logger, Exception exception, string purchaseId);

    /// <summary>The completion is stored by now: a failure to record it elsewhere reaches no caller, the retry timer repeats it.</summary>
    private async Task RecordCompletionOrRetryLater()
    {
        try
        {
            await RecordCompletion();
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            LogCompletionDeferred(logger, exception, PurchaseId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Purchase {PurchaseId}: recording its completion with the buyer and the producer failed; the retry timer records it again")]
    private static partial void LogCompletionDeferred(ILogger logger, Exception exception, string purchaseId);

    /// <summary>Refunds the whole payment (once, by its key); false when the provider did not answer.</summary>
    private async Task<bool> RefundPayment()
    {
        var p = State.Purchase!;
        if (!await TryRefund(p.Payment.PaymentId!, $"{PurchaseId}-refund"))
        {
            return false;
        }

        var now = clock.GetUtcNow();
        var reason = p.FailureReason ?? SoldMeanwhile;
        var sold = reason == SoldMeanwhile;
        await Commit(
            integrationEvent: IntegrationEvents.Create($"{PurchaseId}.refunded", EventTypes.PurchaseRefunded, PurchaseId, now,
                new PurchaseRefundedData(PurchaseId, p.BeatId, p.BuyerId, Money.ToMajor(p.AmountMinor, p.Currency),
                    p.Currency, reason, now)),
            change: () => SetStage(PurchaseStage.Refunded),
            notices:
            [
                new NotificationRequested($"refund:{PurchaseId}", this.GetGrainId(), p.BuyerId, "refund",
                    $"Your payment for \"{p.BeatTitle}\" was refunded in full: " + (sold
                        ? "the beat could no longer be sold."
                        : "the accepted offer it used had already priced another purchase of yours."), now,
                    NotificationSubjects.Purchase, PurchaseId),
            ],
            // Sold or withdrawn meanwhile: the offer, if one priced this, can never be bought and is void.
            followUp: () => ReleaseReservations(sold ? SoldMeanwhile : null));
        return true;
    }

    private const string RefundedAtProvider =
        "The payment was refunded in full at the payment provider; the licence is withdrawn.";

    /// <summary>A refunded purchase whose sale the producer's ledger still counts.</summary>
    private bool SaleToReverse => State.Stage == PurchaseStage.Refunded && State.SaleRecorded && !State.SaleReversed;

    /// <summary>
    /// A completed purchase whose payment was refunded in full outside the marketplace (the provider's dashboard or
    /// API) is refunded here too: the licence, its files and agreement are withdrawn (downloads need a
    /// completed purchase), the sale leaves the producer's totals, and both parties are told. A partial refund is a
    /// concession on the price and leaves the licence as it is. An exclusive stays sold: putting the beat back on sale
    /// is the producer's decision, not the payment provider's.
    /// </summary>
    private async Task RevokeIfRefundedAtProvider()
    {
        var p = State.Purchase!;
        if (p.Payment.PaymentId is not { } paymentId || await TryRetrieve(paymentId) is not { } payment
            || payment.AmountMinor <= 0 || payment.AmountRefunded < payment.AmountMinor)
        {
            return;
        }

        var now = clock.GetUtcNow();
        var amount = Money.ToMajor(p.AmountMinor, p.Currency);
        LogRefundedAtProvider(logger, PurchaseId);
        await Commit(
            integrationEvent: IntegrationEvents.Create($"{PurchaseId}.refunded", EventTypes.PurchaseRefunded,
                PurchaseId, now,
                new PurchaseRefundedData(PurchaseId, p.BeatId, p.BuyerId, amount, p.Currency, RefundedAtProvider, now)),
            change: () =>
            {
                SetStage(PurchaseStage.Refunded);
                State.Purchase = State.Purchase! with { FailureReason = RefundedAtProvider };
            },
            notices:
            [
                new NotificationRequested($"refund:{PurchaseId}", this.GetGrainId(), p.BuyerId, "refund",
                    $"Your payment of {Money.Format(amount, p.Currency)} for \"{p.BeatTitle}\" was refunded in full; "
                    + $"the {LicenseTypes.DisplayName(p.LicenseType)} licence is withdrawn.", now,
                    NotificationSubjects.Purchase, PurchaseId),
                new NotificationRequested($"sale-refunded:{PurchaseId}", this.GetGrainId(), p.ProducerId, "refund",
                    $"The {LicenseTypes.DisplayName(p.LicenseType)} sale of \"{p.BeatTitle}\" "
                    + $"({Money.Format(amount, p.Currency)}) was refunded; it no longer counts in your sales.", now,
                    NotificationSubjects.Purchase, PurchaseId),
            ],
            followUp: ReverseSale);
    }

    /// <summary>The producer's ledger takes the sale back (once, however often this repeats).</summary>
    private async Task ReverseSale()
    {
        var p = State.Purchase!;
        await GrainFactory.GetGrain<IPurchaseLedgerGrain>(p.ProducerId)
            .RefundSale(PurchaseId, p.AmountMinor, p.Currency);
        State.SaleReversed = true;
        await Write();
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Purchase {PurchaseId}: its payment was refunded in full at the provider; the licence is withdrawn")]
    private static partial void LogRefundedAtProvider(ILogger logger, string purchaseId);

    private async Task<bool> TryRefund(string paymentId, string idempotencyKey)
    {
        try
        {
            await gateway.Refund(paymentId, idempotencyKey, CancellationToken.None);
            return true;
        }
        catch (PaymentGatewayException exception)
        {
            LogGatewayFailed(logger, exception, PurchaseId, "refund");
            if (exception.Transient)
            {
                return false;
            }

            // Refused as a request: the provider already refunded it (e.g. by an earlier key) or there is nothing to refund.
            return await TryRetrieve(paymentId) is { } payment
                && (payment.State != GatewayPaymentState.Succeeded || payment.AmountRefunded >= payment.AmountMinor);
        }
    }

    /// <summary>The buyer's profile and the producer's ledger learn of the sale; both calls are idempotent, so they are simply repeated until done.</summary>
    private async Task RecordCompletion()
    {
        var p = State.Purchase!;
        var changed = false;
        if (!State.BuyerRecorded)
        {
            await GrainFactory.GetGrain<IUserGrain>(p.BuyerId).RecordPurchase(p.BeatId);
            State.BuyerRecorded = changed = true;
        }

        if (!State.SaleRecorded)
        {
            await GrainFactory.GetGrain<IPurchaseLedgerGrain>(p.ProducerId).AddSale(new Sale(
                PurchaseId: PurchaseId,
                BeatId: p.BeatId,
                BeatTitle: p.BeatTitle,
                LicenseType: p.LicenseType,
                BuyerId: p.BuyerId,
                AmountMinor: p.AmountMinor,
                Currency: p.Currency,
                SoldAt: p.CompletedAt!.Value,
                DiscountMinor: p.Pricing?.DiscountMinor ?? 0,
                Coupon: p.Pricing?.Coupon,
                OfferId: p.Pricing?.OfferId));
            State.SaleRecorded = changed = true;
        }

        if (!State.PricingCommitted && p.Pricing is { } pricing)
        {
            // The offer is used and the coupon's use counted, each once by this purchase's id however often this repeats.
            if (pricing.OfferId is { } offerId)
            {
                await GrainFactory.GetGrain<IOfferGrain>(offerId).Complete(PurchaseId);
            }

            if (pricing.Coupon is { } code)
            {
                await GrainFactory.GetGrain<ICouponBookGrain>(p.ProducerId).Commit(code, PurchaseId);
            }

            State.PricingCommitted = changed = true;
        }

        if (changed)
        {
            await Write();
        }

        // Paid: the licence is the buyer's, and the slot among their unpaid holds is free.
        await EndHold();

        // Recorded at the completion and published once its ledgers know it; then until each inbox acknowledges.
        await notifications.Publish();
    }

    /// <summary>
    /// Brings the purchase in line with the provider. The timer (every few seconds while active) does the local work;
    /// the reminder and webhooks also ask the provider, which is what catches a payment confirmed outside this grain
    /// or an answer lost in a crash.
    /// </summary>
    private async Task<bool> Reconcile(bool askProvider)
    {
        var reconciled = true;
        try
        {
            switch (State.Stage)
            {
                case PurchaseStage.PendingPayment when PaymentWindowClosed():
                    await Close(PurchaseStage.Expired, ExpiredReason, unpaid: true);
                    break;
                case PurchaseStage.PendingPayment when askProvider:
                    reconciled = await TryRetrieve(State.Purchase!.Payment.PaymentId!) is { } payment && await Settle(payment) is not { Outcome: ConfirmOutcome.Pending };
                    break;
                case PurchaseStage.Confirming:
                    reconciled = await ResumeConfirmation() is not { Outcome: ConfirmOutcome.Pending };
                    break;
                case PurchaseStage.Completed:
                    await RecordCompletion();
                    if (askProvider)
                    {
                        // A webhook (charge.refunded) or the reminder: the payment may have been refunded at the
                        // provider (its dashboard or API).
                        await RevokeIfRefundedAtProvider();
                    }

                    break;
                case PurchaseStage.Failed or PurchaseStage.Expired or PurchaseStage.Refunded:
                    await ReconcileClosed(askProvider);
                    break;
                default:
                    await Advance();
                    break;
            }
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            LogReconcileFailed(logger, exception, PurchaseId);
            reconciled = false;
        }

        if (!HasPendingWork())
        {
            await StopReconciling();
        }

        return reconciled;
    }

    /// <summary>
    /// A closed purchase whose payment turns out to have succeeded (a cancel that did not answer, a client-side payment
    /// racing the close) is treated as paid: the beat grants the licence if it still can, else the payment is refunded.
    /// </summary>
    private async Task ReconcileClosed(bool askProvider)
    {
        if (SaleToReverse)
        {
            await ReverseSale();
        }

        await notifications.Publish();
        if (State.Purchase!.Payment.PaymentId is not { } paymentId || State.Stage == PurchaseStage.Refunded || (!State.CancelPending && !askProvider))
        {
            return;
        }

        var payment = State.CancelPending ? await CancelPayment(paymentId) : await TryRetrieve(paymentId);
        if (payment is { State: GatewayPaymentState.Succeeded } && payment.AmountRefunded < payment.AmountMinor)
        {
            LogCapturedAfterClose(logger, PurchaseId);
            SetStage(PurchaseStage.Paid);
            State.Purchase = State.Purchase! with { FailureReason = null };
            await Advance();
            return;
        }

        await Commit();
    }
}
