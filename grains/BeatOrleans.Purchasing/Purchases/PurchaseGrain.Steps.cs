using BeatOrleans.Contracts.Catalog;
using BeatOrleans.Contracts.Purchasing;
using BeatOrleans.Purchasing.Payments;
using BeatOrleans.Purchasing.Offers;

namespace BeatOrleans.Purchasing.Purchases;

/// <summary>The steps of a purchase before the money moves: reserving the beat, creating the payment, confirming it.</summary>
internal sealed partial class PurchaseGrain
{
    private const string ExpiredReason = "The payment window closed before the payment was made.";

    private static string UnavailableReason(ReserveOutcome outcome) => outcome switch
    {
        ReserveOutcome.Sold => "The beat was sold exclusively to another buyer.",
        ReserveOutcome.Held => "The exclusive is held, by an accepted offer or a purchase waiting for payment (yours "
            + "too: buy with that offer's offer_id, or pay that purchase); it is free again when the hold ends.",
        ReserveOutcome.Cooldown => "You left this exclusive unpaid twice lately (declined, or the payment window "
            + "closed); you can hold it again once the beat's cooldown after the last time has passed (an hour unless "
            + "the marketplace set another), other buyers at once.",
        ReserveOutcome.NoSuchLicense => "The producer no longer offers this licence.",
        ReserveOutcome.NotReady => "The beat is not for sale right now.",
        _ => "The beat is no longer in the catalogue.",
    };

    /// <summary>
    /// Runs the steps that need no one's input from the current stage on; an answer that is not stored, when the
    /// provider was unreachable or the buyer holds too much already.
    /// </summary>
    private async Task<OrderResult?> Advance()
    {
        while (true)
        {
            switch (State.Stage)
            {
                case PurchaseStage.Reserving:
                    if (await ReserveBeat() is { } refused)
                    {
                        return refused;
                    }

                    break;
                case PurchaseStage.CreatingPayment:
                    if (await CreatePayment() is { } unavailable)
                    {
                        return unavailable;
                    }

                    break;
                case PurchaseStage.Paid:
                    await Grant();
                    break;
                case PurchaseStage.Refunding:
                    if (!await RefundPayment())
                    {
                        return null;
                    }

                    break;
                default:
                    return null;
            }
        }
    }

    /// <summary>Reserves what the order needs; an answer when the order is refused without being stored.</summary>
    private async Task<OrderResult?> ReserveBeat()
    {
        var order = State.Order!;
        var payBefore = market.GetUtcNow() + options.Value.PaymentWindow;
        var beat = Beat(order.BeatId);
        var limit = options.Value.MaxUnpaidHoldsPerBuyer;
        if (HoldsScarce(order) && await Ledger(order.BuyerId).Hold(PurchaseId, payBefore, limit)
                is { Held: false, FirstLapse: var firstLapse })
        {
            // Refused before anything is reserved or stored, and not remembered: the same order (the same
            // Idempotency-Key) goes through once the buyer has a free slot.
            purchase.State = new PurchaseState();
            return new OrderResult(OrderOutcome.TooManyHolds, null,
                $"You have {limit} unpaid purchases that hold an exclusive licence or a coupon use, as many as one "
                + "buyer may: pay for one, or order again once the first payment window closes at "
                + $"{firstLapse:yyyy-MM-ddTHH:mm:ssZ}.");
        }

        // An accepted offer prices the purchase: the one named, or else the buyer's newest for this beat and tier.
        var offerId = order.OfferId ?? (order.Coupon is null
            ? await GrainFactory.GetGrain<IBuyerOffersGrain>(order.BuyerId).Find(order.BeatId, order.LicenseType)
            : null);
        Redemption? redemption = null;
        if (offerId is not null)
        {
            redemption = await GrainFactory.GetGrain<IOfferGrain>(offerId).Redeem(PurchaseId, order.BuyerId, order.BeatId, order.LicenseType, payBefore);
            if (redemption.Outcome != RedeemOutcome.Redeemed)
            {
                // Named, or pricing another order of this buyer's that waits for payment (a second click of "buy"):
                // refused rather than quietly charged the full price.
                if (order.OfferId is not null || redemption.Outcome == RedeemOutcome.Busy)
                {
                    await Reject(redemption.Outcome == RedeemOutcome.NotFound ? OrderOutcome.OfferNotFound : OrderOutcome.OfferUnavailable, redemption.Detail!);
                    return null;
                }

                (offerId, redemption) = (null, null);
            }
            else if (order.LicenseType == LicenseTypes.Exclusive)
            {
                // The offer's hold on the exclusive becomes this purchase's; it goes back to the offer if the purchase fails.
                await beat.TransferHold(OfferNames.HoldId(offerId), PurchaseId, payBefore);
            }
        }

        var offer = await beat.Reserve(PurchaseId, order.BuyerId, order.LicenseType, payBefore);
        if (offer.Outcome != ReserveOutcome.Reserved)
        {
            if (offerId is not null)
            {
                await GrainFactory.GetGrain<IOfferGrain>(offerId).Release(PurchaseId,
                    offer.Outcome is ReserveOutcome.Sold or ReserveOutcome.NotFound or ReserveOutcome.NoSuchLicense
                        ? $"{UnavailableReason(offer.Outcome)} The offer is void."
                        : null);
            }

            var refusal = offer.Outcome switch
            {
                ReserveOutcome.Sold or ReserveOutcome.Held or ReserveOutcome.Cooldown or ReserveOutcome.NotFound =>
                    UnavailableReason(offer.Outcome),
                ReserveOutcome.OwnBeat => "You cannot buy your own beat.",
                ReserveOutcome.NoSuchLicense => $"This beat does not offer the '{order.LicenseType}' licence.",
                _ => "The beat is not ready to be sold.",
            };
            await Reject(Refusal(offer.Outcome), offerId is not null && offer.Outcome is ReserveOutcome.Sold or ReserveOutcome.NotFound or ReserveOutcome.NoSuchLicense
                ? $"{refusal} The offer {offerId} is void."
                : refusal);
            return null;
        }

        var tier = offer.Tier!;
        var listPrice = Money.ToMinor(tier.Price, tier.Currency);
        // An accepted offer prices the purchase only where it is not dearer than the list price: a producer who lowered
        // the price since accepting meant the lower price for everyone, and the buyer is never charged more than it.
        var offered = redemption is { } r && (r.Currency != tier.Currency || r.AmountMinor <= listPrice) ? r : null;
        var currency = offered?.Currency ?? tier.Currency;
        var amount = offered?.AmountMinor ?? listPrice;
        if (order.Coupon is { } code)
        {
            var applied = await GrainFactory.GetGrain<ICouponBookGrain>(offer.ProducerId!).Apply(
                new CouponClaim(code, PurchaseId, order.BeatId, order.LicenseType, listPrice, currency, payBefore));
            if (applied.Outcome != CouponOutcome.Applied)
            {
                await beat.ReleaseHold(PurchaseId);
                await Reject(applied.Outcome == CouponOutcome.NotFound ? OrderOutcome.CouponNotFound : OrderOutcome.CouponUnavailable, applied.Detail!);
                return null;
            }

            amount = listPrice - applied.DiscountMinor;
        }

        var pricing = offerId is null && order.Coupon is null
            ? null
            : new PurchasePricing(listPrice, Math.Max(0, listPrice - amount), order.Coupon is null ? null : CouponCodes.Normalize(order.Coupon), offerId);
        State.Purchase = new Purchase(
            PurchaseId: PurchaseId,
            BuyerId: order.BuyerId,
            ProducerId: offer.ProducerId!,
            BeatId: order.BeatId,
            BeatTitle: offer.Title!,
            LicenseType: order.LicenseType,
            AmountMinor: amount,
            Currency: currency,
            Status: PurchaseStatus.PendingPayment,
            Terms: offer.Terms!,
            Payment: new PaymentInfo(gateway.Provider, null, null),
            CreatedAt: clock.GetUtcNow(),
            CompletedAt: null,
            PayBefore: payBefore,
            FailureReason: null,
            Files: offer.Files,
            Pricing: pricing,
            Bpm: offer.Bpm,
            Key: offer.Key);
        SetStage(PurchaseStage.CreatingPayment);
        return null;
    }

    /// <summary>
    /// Refuses the order. The refusal is stored only under an Idempotency-Key, whose repeats must get the same answer;
    /// an order without one has an id nobody can name again, so storing it would only let any client grow the store
    /// by a row per refused request (measured: five orders of the caller's own beat, five rows).
    /// </summary>
    private async Task Reject(OrderOutcome outcome, string detail)
    {
        SetStage(PurchaseStage.Rejected);
        State.Answer = new OrderResult(outcome, null, detail);
        if (State.Order!.Keyed)
        {
            await Commit();
        }
        else
        {
            DeactivateOnIdle();
        }

        await EndHold();
    }

    /// <summary>An order that reserves what another buyer could have had: an exclusive or a coupon use.</summary>
    private static bool HoldsScarce(PurchaseOrder order) =>
        order.LicenseType == LicenseTypes.Exclusive || order.Coupon is not null;

    private IPurchaseLedgerGrain Ledger(string userId) => GrainFactory.GetGrain<IPurchaseLedgerGrain>(userId);

    /// <summary>
    /// The purchase no longer counts among its buyer's unpaid holds. The count drops a hold at the end of its payment
    /// window anyway, so a failure here only keeps the buyer's slot taken until then.
    /// </summary>
    private async Task EndHold()
    {
        if (State.Order is not { } order || !HoldsScarce(order))
        {
            return;
        }

        try
        {
            await Ledger(order.BuyerId).EndHold(PurchaseId);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            LogReleaseFailed(logger, exception, PurchaseId);
        }
    }

    /// <summary>
    /// The purchase will not complete: the offer it used is accepted again (or void, when the beat can no longer be
    /// sold), the coupon use it held is free, and then its hold on the beat goes. Each of these also lapses on its own
    /// at the end of the payment window, so a failure here only delays them.
    /// </summary>
    private async Task ReleaseReservations(string? voidOffer = null, bool unpaid = false)
    {
        var p = State.Purchase!;
        if (p.Pricing is { } pricing)
        {
            try
            {
                if (pricing.OfferId is { } offerId)
                {
                    await GrainFactory.GetGrain<IOfferGrain>(offerId).Release(PurchaseId, voidOffer);
                }

                if (pricing.Coupon is { } code)
                {
                    await GrainFactory.GetGrain<ICouponBookGrain>(p.ProducerId).Release(code, PurchaseId);
                }
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                LogReleaseFailed(logger, exception, PurchaseId);
            }
        }

        if (unpaid && p.LicenseType == LicenseTypes.Exclusive)
        {
            await Beat(p.BeatId).ReleaseUnpaidHold(PurchaseId, p.BuyerId);
        }
        else
        {
            await Beat(p.BeatId).ReleaseHold(PurchaseId);
        }

        await EndHold();
    }

    private static OrderOutcome Refusal(ReserveOutcome outcome) => outcome switch
    {
        ReserveOutcome.NotFound => OrderOutcome.BeatNotFound,
        ReserveOutcome.OwnBeat => OrderOutcome.OwnBeat,
        ReserveOutcome.NoSuchLicense => OrderOutcome.NoSuchLicense,
        ReserveOutcome.Sold => OrderOutcome.Sold,
        ReserveOutcome.Held or ReserveOutcome.Cooldown => OrderOutcome.Held,
        _ => OrderOutcome.NotReady,
    };

    /// <summary>Creates the payment; when the provider fails, the purchase is undone (the hold released) so a retry starts afresh.</summary>
    private async Task<OrderResult?> CreatePayment()
    {
        var p = State.Purchase!;
        GatewayPayment payment;
        try
        {
            payment = await gateway.Create(new NewPayment(p.AmountMinor, p.Currency, $"{p.BeatTitle} ({p.LicenseType})",
                new Dictionary<string, string>
                {
                    ["purchase_id"] = PurchaseId,
                    ["beat_id"] = p.BeatId,
                    ["license_type"] = p.LicenseType,
                    ["buyer_id"] = p.BuyerId,
                }, $"{PurchaseId}-create"), CancellationToken.None);
        }
        catch (PaymentGatewayException exception) when (!exception.Transient)
        {
            // The provider refused the payment itself (an amount it does not take, a key reused with other parameters):
            // asking again changes nothing, so this is the answer every repeat of the order gets.
            LogGatewayFailed(logger, exception, PurchaseId, "create");
            await ReleaseReservations();
            await Reject(OrderOutcome.PaymentRefused, $"The payment provider refused the payment: {exception.Message}");
            return State.Answer;
        }
        catch (PaymentGatewayException exception)
        {
            // Nothing was charged: a payment the provider may have created anyway is never confirmed, and a retry with
            // the same Idempotency-Key asks the provider with the same key, so it finds that payment again.
            LogGatewayFailed(logger, exception, PurchaseId, "create");
            await ReleaseReservations();
            if (purchase.RecordExists)
            {
                await purchase.ClearStateAsync();
            }

            purchase.State = new PurchaseState();
            await StopReconciling();
            return new OrderResult(OrderOutcome.GatewayUnavailable, null, "The payment provider could not be reached; nothing was charged. Try again.");
        }

        await Ledger(p.BuyerId).AddPurchase(PurchaseId);
        State.Purchase = p with { Payment = p.Payment with { PaymentId = payment.PaymentId, ClientSecret = payment.ClientSecret } };
        SetStage(PurchaseStage.PendingPayment);
        State.Answer = new OrderResult(OrderOutcome.Created, State.Purchase, null);
        await Commit();
        return null;
    }

    /// <summary>Sends (or repeats, with the same key) the confirmation; an answer for the caller when it is not the usual one.</summary>
    private async Task<ConfirmResult?> SendConfirmation()
    {
        var p = State.Purchase!;
        GatewayPayment payment;
        try
        {
            payment = await gateway.Confirm(p.Payment.PaymentId!, State.PaymentMethod!, $"{PurchaseId}-confirm-{State.ConfirmAttempts}", CancellationToken.None);
        }
        catch (PaymentGatewayException exception) when (!exception.Transient)
        {
            // Refused as a request: an unknown payment method, or a payment no longer confirmable. Its state decides which.
            if (await TryRetrieve(p.Payment.PaymentId!) is not { } current)
            {
                return Answer(ConfirmOutcome.Pending, "The payment provider did not answer; the purchase settles on its own.");
            }

            payment = current;
            if (payment.State is GatewayPaymentState.RequiresPaymentMethod or GatewayPaymentState.RequiresConfirmation)
            {
                SetStage(PurchaseStage.PendingPayment);
                await Commit();
                return Answer(ConfirmOutcome.InvalidPaymentMethod, exception.Message);
            }
        }
        catch (PaymentGatewayException exception)
        {
            LogGatewayFailed(logger, exception, PurchaseId, "confirm");
            return Answer(ConfirmOutcome.Pending, "The payment provider did not answer; the purchase settles on its own.");
        }

        return await Settle(payment);
    }

    /// <summary>
    /// A confirmation whose answer was not stored (a crash, a timeout, a 5xx): the payment's state says what happened.
    /// Sending the same key again would only replay whatever the provider first answered (Stripe keeps a key's answer,
    /// a 500 included, for 24 h), so a confirmation that never took effect is sent again under a new key; one
    /// PaymentIntent can be captured only once, whatever the keys.
    /// </summary>
    private async Task<ConfirmResult?> ResumeConfirmation()
    {
        if (await TryRetrieve(State.Purchase!.Payment.PaymentId!) is not { } payment)
        {
            return Answer(ConfirmOutcome.Pending, "The payment provider did not answer; the purchase settles on its own.");
        }

        if (payment.State is (GatewayPaymentState.RequiresPaymentMethod or GatewayPaymentState.RequiresConfirmation) && payment.Decline is null)
        {
            State.ConfirmAttempts++;
            await Commit();
            return await SendConfirmation();
        }

        return await Settle(payment);
    }

    private async Task<GatewayPayment?> TryRetrieve(string paymentId)
    {
        try
        {
            return await gateway.Retrieve(paymentId, CancellationToken.None);
        }
        catch (PaymentGatewayException exception)
        {
            LogGatewayFailed(logger, exception, PurchaseId, "retrieve");
            return null;
        }
    }

    /// <summary>Acts on the provider's state of the payment while the purchase waits for it.</summary>
    private async Task<ConfirmResult?> Settle(GatewayPayment payment)
    {
        switch (payment.State)
        {
            case GatewayPaymentState.Succeeded:
                // Not written: until the licence is, the provider's succeeded payment is the record a retry finds.
                SetStage(PurchaseStage.Paid);
                await Advance();
                return null;
            case GatewayPaymentState.Canceled:
                await Close(PurchaseStage.Expired, "The payment was cancelled.", unpaid: true);
                return null;
            case GatewayPaymentState.RequiresPaymentMethod when payment.Decline is { } decline && State.Stage == PurchaseStage.Confirming:
                await Close(PurchaseStage.Failed, $"The payment was declined: {decline.Message}", unpaid: true);
                return State.Stage == PurchaseStage.Failed ? Answer(ConfirmOutcome.Declined, decline.Message) : null;
            case GatewayPaymentState.RequiresAction:
                SetStage(PurchaseStage.PendingPayment);
                await Commit();
                return Answer(ConfirmOutcome.ActionRequired, "The payment needs the buyer's authentication: complete it with the client secret.");
            default:
                return State.Stage == PurchaseStage.Confirming ? Answer(ConfirmOutcome.Pending, "The payment is processing.") : null;
        }
    }

    /// <summary>
    /// Ends an unpaid purchase: its payment is cancelled first (so it can never be captured afterwards), then the hold
    /// is released. A payment that turns out to have succeeded is honoured instead.
    /// </summary>
    /// <param name="unpaid">The buyer did not pay (declined, cancelled, the window closed), rather than the beat or
    /// an offer refusing: an exclusive's beat then keeps this buyer from holding it again at once.</param>
    private async Task Close(PurchaseStage stage, string reason, bool unpaid = false)
    {
        if (State.Purchase!.Payment.PaymentId is { } paymentId && await CancelPayment(paymentId) is { State: GatewayPaymentState.Succeeded })
        {
            SetStage(PurchaseStage.Paid);
            await Advance();
            return;
        }

        SetStage(stage);
        State.Purchase = State.Purchase! with { FailureReason = reason };
        await Commit(followUp: () => ReleaseReservations(unpaid: unpaid));
    }

    /// <summary>The cancelled payment, or null when the provider did not answer (then <see cref="PurchaseState.CancelPending"/> retries).</summary>
    private async Task<GatewayPayment?> CancelPayment(string paymentId)
    {
        GatewayPayment? payment;
        try
        {
            payment = await gateway.Cancel(paymentId, $"{PurchaseId}-cancel", CancellationToken.None);
        }
        catch (PaymentGatewayException exception)
        {
            // Refused as a request (e.g. the payment is gone): its state, if the provider answers, settles the question.
            LogGatewayFailed(logger, exception, PurchaseId, "cancel");
            payment = exception.Transient ? null : await TryRetrieve(paymentId);
        }

        // Only a cancelled or succeeded payment is settled; anything else (processing, no answer) is asked again later.
        State.CancelPending = payment?.State is not (GatewayPaymentState.Canceled or GatewayPaymentState.Succeeded);
        return payment;
    }
}
