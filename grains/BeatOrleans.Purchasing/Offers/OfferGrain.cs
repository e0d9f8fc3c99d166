using BeatOrleans.Contracts;
using BeatOrleans.Contracts.Catalog;
using BeatOrleans.Contracts.Chat;
using BeatOrleans.Contracts.Events;
using BeatOrleans.Contracts.Purchasing;
using BeatOrleans.Contracts.Users;
using BeatOrleans.Outbox;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BeatOrleans.Purchasing.Offers;

/// <summary>
/// One offer. Every step is one grain turn that checks the status and changes it, so of concurrent accept, decline,
/// counter and withdraw exactly one finds the offer open; the others see it answered (409). The step, its
/// integration event and its chat message are written together, then published.
/// </summary>
internal sealed partial class OfferGrain(
    [PersistentState("offer", StorageNames.Documents)] IPersistentState<OfferState> offer,
    IOptions<PurchasingOptions> options,
    [FromKeyedServices(Clocks.Market)] TimeProvider market,
    ILogger<OfferGrain> logger) : Grain, IOfferGrain, IOutboxOwner, IRemindable
{
    private const string ExpiryReminder = "expire";

    private EventOutbox events = null!;
    private IGrainTimer? chatRetry;

    private string OfferId => this.GetPrimaryKeyString();

    private OfferState State => offer.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        events = new EventOutbox(this, () => State.Events, () => offer.WriteStateAsync());
        if (State.Chat.Count > 0)
        {
            StartChatRetry();
        }

        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => events.Persisted();

    public Task FlushOutbox() => events.Sweep();

    public async Task<OfferResult> Make(OfferDraft draft)
    {
        if (State.Offer is { } existing)
        {
            return new OfferResult(OfferOutcome.Done, existing, null);
        }

        var buyerId = draft.BuyerId ?? draft.MakerId;
        var beat = await GrainFactory.GetGrain<IBeatGrain>(draft.BeatId).GetBeat();
        if (beat is null)
        {
            return OfferResult.Refused(OfferOutcome.NotFound, "No such beat.");
        }

        if (beat.ProducerId == buyerId)
        {
            return OfferResult.Refused(OfferOutcome.Invalid, "You cannot make an offer on your own beat.");
        }

        if (beat.Status != BeatStatus.Ready)
        {
            return OfferResult.Refused(OfferOutcome.Conflict, beat.Status == BeatStatus.Sold
                ? "The beat was sold exclusively; it takes no offers."
                : "The beat is not ready to be sold.");
        }

        if (beat.Licenses.FirstOrDefault(l => l.LicenseType == draft.LicenseType) is not { } tier)
        {
            return OfferResult.Refused(OfferOutcome.Invalid, $"This beat does not offer the '{draft.LicenseType}' licence.");
        }

        if (!string.Equals(tier.Currency, draft.Currency, StringComparison.OrdinalIgnoreCase))
        {
            return OfferResult.Refused(OfferOutcome.Invalid, $"This licence is priced in {tier.Currency}; make the offer in {tier.Currency}.");
        }

        var now = market.GetUtcNow();
        var made = new Offer(OfferId, beat.BeatId, beat.Title, draft.LicenseType, buyerId, beat.ProducerId, draft.MakerId, draft.AmountMinor,
            tier.Currency, draft.Message, OfferStatus.Open, now, now + options.Value.OfferExpiry, draft.CounterOf, null, null, null, null, null);
        var text = draft.Message ?? $"Offer: {Money.Format(Major(made), made.Currency)} for the "
            + $"{LicenseTypes.DisplayName(made.LicenseType)} "
            + $"licence of \"{made.BeatTitle}\".";
        await Change(made, EventTypes.OfferMade, (draft.MakerId, text));
        await ExpireAfter(options.Value.OfferExpiry);
        return new OfferResult(OfferOutcome.Done, State.Offer, null);
    }

    public async Task<Offer?> GetOffer(string callerId)
    {
        await Lapse();
        return State.Offer is { } o && o.IsParty(callerId) ? o : null;
    }

    public async Task<OfferResult> Accept(string callerId)
    {
        if (await Answerable(callerId, recipient: true) is { } refused)
        {
            return refused;
        }

        var o = State.Offer!;
        var buyBefore = market.GetUtcNow() + options.Value.OfferPurchaseWindow;
        // The beat decides: it still sells this tier, and an exclusive is held for the buyer as a purchase's is.
        var sale = await GrainFactory.GetGrain<IBeatGrain>(o.BeatId).Reserve(OfferNames.HoldId(OfferId), o.BuyerId, o.LicenseType, buyBefore);
        switch (sale.Outcome)
        {
            case ReserveOutcome.Reserved:
                break;
            case ReserveOutcome.Held:
                return OfferResult.Refused(OfferOutcome.Conflict, "The exclusive is held, by an accepted offer or a "
                    + "purchase waiting for payment; this offer stays open until that hold ends.", o);
            case ReserveOutcome.NotReady:
                return OfferResult.Refused(OfferOutcome.Conflict, "The beat is not ready to be sold.", o);
            case ReserveOutcome.Sold or ReserveOutcome.NotFound or ReserveOutcome.NoSuchLicense
                or ReserveOutcome.OwnBeat:
                var reason = sale.Outcome == ReserveOutcome.Sold
                    ? "The beat was sold exclusively to another buyer; the offer is void."
                    : "The beat or this licence is no longer for sale; the offer is void.";
                await Change(o with { Status = OfferStatus.Void, AnsweredAt = market.GetUtcNow(), Reason = reason }, EventTypes.OfferVoided, null);
                return OfferResult.Refused(OfferOutcome.Conflict, reason, State.Offer);
            default:
                // Cooldown (the buyer left unpaid holds of this exclusive just now), and any outcome a newer beat
                // grain may answer during a rolling upgrade: refused for now, never voided.
                return OfferResult.Refused(OfferOutcome.Conflict, "The beat cannot be sold to this buyer right now "
                    + "(the buyer left its exclusive unpaid more than once lately); the offer stays open.", o);
        }

        await Change(o with { Status = OfferStatus.Accepted, AnsweredAt = market.GetUtcNow(), BuyBefore = buyBefore }, EventTypes.OfferAccepted,
            (callerId, $"Offer accepted: {Money.Format(Major(o), o.Currency)} for the "
                + $"{LicenseTypes.DisplayName(o.LicenseType)} licence of \"{o.BeatTitle}\"."));
        await RememberForBuyer(b => b.Accepted(OfferId, o.BeatId, o.LicenseType, buyBefore));
        await ExpireAfter(options.Value.OfferPurchaseWindow);
        return new OfferResult(OfferOutcome.Done, State.Offer, null);
    }

    public async Task<OfferResult> Decline(string callerId)
    {
        if (await Answerable(callerId, recipient: true) is { } refused)
        {
            return refused;
        }

        var o = State.Offer!;
        await Change(o with { Status = OfferStatus.Declined, AnsweredAt = market.GetUtcNow() }, EventTypes.OfferDeclined,
            (callerId, $"Offer declined: {Money.Format(Major(o), o.Currency)} for the "
                + $"{LicenseTypes.DisplayName(o.LicenseType)} licence of \"{o.BeatTitle}\"."));
        return new OfferResult(OfferOutcome.Done, State.Offer, null);
    }

    public async Task<OfferResult> Withdraw(string callerId)
    {
        if (await Answerable(callerId, recipient: false) is { } refused)
        {
            return refused;
        }

        var o = State.Offer!;
        await Change(o with { Status = OfferStatus.Withdrawn, AnsweredAt = market.GetUtcNow() }, EventTypes.OfferWithdrawn,
            (callerId, $"Offer withdrawn: {Money.Format(Major(o), o.Currency)} for the "
                + $"{LicenseTypes.DisplayName(o.LicenseType)} licence of \"{o.BeatTitle}\"."));
        return new OfferResult(OfferOutcome.Done, State.Offer, null);
    }

    public async Task<OfferResult> Counter(string callerId, long amountMinor, string? message)
    {
        if (await Answerable(callerId, recipient: true) is { } refused)
        {
            return refused;
        }

        var o = State.Offer!;
        // The counter-offer's id follows from this offer's, so a retried counter finds the one it made.
        var counterId = CounterId(OfferId);
        var counter = await GrainFactory.GetGrain<IOfferGrain>(counterId).Make(
            new OfferDraft(callerId, o.BeatId, o.LicenseType, amountMinor, o.Currency, message, OfferId, o.BuyerId));
        if (counter.Outcome != OfferOutcome.Done)
        {
            // The counter's NotFound is the beat's: this offer exists, and its beat is gone.
            return counter.Outcome == OfferOutcome.NotFound
                ? OfferResult.Refused(OfferOutcome.Conflict, "The beat was deleted; it takes no offers.", o)
                : counter with { Offer = o };
        }

        await Change(o with { Status = OfferStatus.Countered, AnsweredAt = market.GetUtcNow(), CounterOfferId = counterId }, EventTypes.OfferCountered, null);
        return new OfferResult(OfferOutcome.Done, State.Offer, null, counter.Offer);
    }

    public async Task<Redemption> Redeem(string purchaseId, string buyerId, string beatId, string licenseType, DateTimeOffset holdUntil)
    {
        await Lapse();
        if (State.Offer is not { } o || o.BuyerId != buyerId)
        {
            return new Redemption(RedeemOutcome.NotFound, 0, null, "No such offer.");
        }

        if (o.BeatId != beatId || o.LicenseType != licenseType)
        {
            return new Redemption(RedeemOutcome.Mismatch, 0, null,
                $"This offer is for the {LicenseTypes.DisplayName(o.LicenseType)} licence of beat {o.BeatId}.");
        }

        if (o.PurchaseId == purchaseId && o.Status is OfferStatus.Accepted or OfferStatus.Purchased)
        {
            return new Redemption(RedeemOutcome.Redeemed, o.AmountMinor, o.Currency, null);
        }

        if (o.Status != OfferStatus.Accepted)
        {
            return new Redemption(RedeemOutcome.Unavailable, 0, null, o.Reason ?? $"The offer is {OfferNames.StatusName(o.Status)}.");
        }

        if (o.PurchaseId is not null && State.RedeemedUntil > market.GetUtcNow())
        {
            return new Redemption(RedeemOutcome.Busy, 0, null,
                $"The offer prices another purchase of yours ({o.PurchaseId}) until it is paid or closes.");
        }

        State.Offer = o with { PurchaseId = purchaseId };
        State.RedeemedUntil = holdUntil;
        await offer.WriteStateAsync();
        return new Redemption(RedeemOutcome.Redeemed, o.AmountMinor, o.Currency, null);
    }

    public async Task Release(string purchaseId, string? voidReason)
    {
        if (State.Offer is { Status: OfferStatus.Purchased } used && used.PurchaseId == purchaseId
            && voidReason is not null)
        {
            // Taken by a paid purchase whose licence the beat then refused (sold or withdrawn meanwhile): refunded.
            var voided = used with { Status = OfferStatus.Void, PurchaseId = null, Reason = voidReason };
            await Change(voided, EventTypes.OfferVoided, null);
            return;
        }

        if (State.Offer is not { Status: OfferStatus.Accepted } o || o.PurchaseId != purchaseId)
        {
            return;
        }

        var beat = GrainFactory.GetGrain<IBeatGrain>(o.BeatId);
        if (voidReason is not null)
        {
            await Change(o with { Status = OfferStatus.Void, PurchaseId = null, Reason = voidReason }, EventTypes.OfferVoided, null);
            await beat.ReleaseHold(OfferNames.HoldId(OfferId));
            await RememberForBuyer(b => b.Forget(OfferId));
            return;
        }

        // The exclusive goes back to the offer for the rest of its window, before the purchase lets go of it.
        if (o.LicenseType == LicenseTypes.Exclusive && o.BuyBefore > market.GetUtcNow()
            && !await beat.TransferHold(purchaseId, OfferNames.HoldId(OfferId), o.BuyBefore!.Value))
        {
            // The purchase's hold had lapsed with its payment window: the offer holds the beat again if it is free.
            await beat.Reserve(OfferNames.HoldId(OfferId), o.BuyerId, o.LicenseType, o.BuyBefore.Value);
        }

        State.Offer = o with { PurchaseId = null };
        State.RedeemedUntil = null;
        await offer.WriteStateAsync();
    }

    public async Task Complete(string purchaseId)
    {
        // Used already (by this purchase, or by another one before it: that one was refunded, see Use).
        if (State.Offer is not { } o || o.Status == OfferStatus.Purchased)
        {
            return;
        }

        // A payment captured after its purchase had closed is honoured at the price it was charged: the offer is used.
        await Change(o with { Status = OfferStatus.Purchased, PurchaseId = purchaseId }, EventTypes.OfferPurchased, null);
        await RememberForBuyer(b => b.Forget(OfferId));
    }

    public async Task<string?> Use(string purchaseId)
    {
        if (State.Offer is not { } o || o.Status == OfferStatus.Void)
        {
            // Void: the beat can no longer be sold this way; it refuses the licence and the payment is refunded.
            return null;
        }

        if (o.Status == OfferStatus.Purchased)
        {
            return o.PurchaseId is { } first && first != purchaseId ? first : null;
        }

        // Accepted (pricing this purchase, another one, or none since this one closed), or lapsed since: a payment
        // captured at this price in its window is honoured, once, by whichever purchase is paid first.
        await Complete(purchaseId);
        return null;
    }

    public Task<string?> UsedBy(string purchaseId) => Task.FromResult(
        State.Offer is { Status: OfferStatus.Purchased, PurchaseId: { } first } && first != purchaseId ? first : null);

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        await Lapse();
        if (State.Offer is null or { Status: not (OfferStatus.Open or OfferStatus.Accepted) } && await this.GetReminder(ExpiryReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    /// <summary>The counter-offer id of an offer: a fixed-length hash, so chains of counters keep short ids.</summary>
    internal static string CounterId(string offerId) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{offerId}/counter")))[..32];

    /// <summary>Refuses a step on an offer that is not open or not the caller's to take.</summary>
    private async Task<OfferResult?> Answerable(string callerId, bool recipient)
    {
        await Lapse();
        if (State.Offer is not { } o || !o.IsParty(callerId))
        {
            return OfferResult.Refused(OfferOutcome.NotFound, "No such offer.");
        }

        if (recipient ? o.RecipientId != callerId : o.MakerId != callerId)
        {
            return OfferResult.Refused(OfferOutcome.Forbidden, recipient
                ? "Only the other party answers an offer (accept, decline, counter)."
                : "Only the party who made an offer withdraws it.", o);
        }

        return o.Status == OfferStatus.Open ? null : OfferResult.Refused(OfferOutcome.Conflict, $"The offer is {OfferNames.StatusName(o.Status)}.", o);
    }

    /// <summary>An open offer past its expiry, or an accepted one not bought in its window, expires now.</summary>
    private async Task Lapse()
    {
        var now = market.GetUtcNow();
        switch (State.Offer)
        {
            case { Status: OfferStatus.Open } o when now >= o.ExpiresAt:
                await Change(o with { Status = OfferStatus.Expired, Reason = "The offer was not answered in time." }, EventTypes.OfferExpired, null);
                break;
            case { Status: OfferStatus.Accepted } o when now >= o.BuyBefore && (o.PurchaseId is null || !(State.RedeemedUntil > now)):
                await Change(o with { Status = OfferStatus.Expired, PurchaseId = null, Reason = "The accepted offer was not bought in time." }, EventTypes.OfferExpired, null);
                await GrainFactory.GetGrain<IBeatGrain>(o.BeatId).ReleaseHold(OfferNames.HoldId(OfferId));
                await RememberForBuyer(b => b.Forget(OfferId));
                break;
        }
    }

    /// <summary>The one place the offer changes: the new offer, its event and its chat message are written together, then sent.</summary>
    private async Task Change(Offer changed, string eventType, (string SenderId, string Text)? chat)
    {
        var now = market.GetUtcNow();
        State.Offer = changed;
        await events.Record(IntegrationEvents.Create($"{OfferId}.{eventType}", eventType, OfferId, now, new OfferEventData(
            OfferId, changed.BeatId, changed.LicenseType, changed.BuyerId, changed.ProducerId, changed.MakerId, Major(changed), changed.Currency,
            OfferNames.StatusName(changed.Status), changed.CounterOf, changed.CounterOfferId, changed.PurchaseId, changed.Reason, now)));
        if (chat is { } post)
        {
            var receiver = post.SenderId == changed.BuyerId ? changed.ProducerId : changed.BuyerId;
            // Keyed by the change, so a post retried after its answer was lost is stored once.
            State.Chat.Add(new Outgoing(
                post.SenderId, "", receiver, post.Text, Card(changed), Key: $"offer:{OfferId}.{eventType}"));
        }

        await offer.WriteStateAsync();
        events.PublishInBackground();
        await PostChat();
    }

    /// <summary>Posts the written chat messages; one that fails stays for the retry timer.</summary>
    private async Task PostChat()
    {
        var posted = false;
        foreach (var message in State.Chat.ToList())
        {
            try
            {
                var sender = await GrainFactory.GetGrain<IUserGrain>(message.SenderId).GetProfile();
                await GrainFactory.GetGrain<IConversationGrain>(ChatIds.For(message.SenderId, message.ReceiverId))
                    .Send(message with { SenderUsername = sender?.Username ?? message.SenderId });
                State.Chat.Remove(message);
                posted = true;
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                LogChatFailed(logger, exception, OfferId);
                StartChatRetry();
                break;
            }
        }

        if (posted)
        {
            await offer.WriteStateAsync();
        }

        if (State.Chat.Count == 0)
        {
            chatRetry?.Dispose();
            chatRetry = null;
        }
    }

    private async Task RememberForBuyer(Func<IBuyerOffersGrain, Task> step)
    {
        try
        {
            await step(GrainFactory.GetGrain<IBuyerOffersGrain>(State.Offer!.BuyerId));
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Only the purchase without an offer id relies on this list; one naming the offer still finds it.
            LogBuyerListFailed(logger, exception, OfferId);
        }
    }

    private void StartChatRetry() => chatRetry ??= this.RegisterGrainTimer(
        static (grain, _) => grain.PostChat(),
        this,
        new GrainTimerCreationOptions(options.Value.RetryPeriod, options.Value.RetryPeriod) { KeepAlive = true });

    private static OfferCard Card(Offer o) => new(o.OfferId, o.BeatId, o.BeatTitle, o.LicenseType, Major(o), o.Currency,
        OfferNames.StatusName(o.Status), o.ExpiresAt, o.CounterOf);

    private static decimal Major(Offer o) => Money.ToMajor(o.AmountMinor, o.Currency);

    /// <summary>A reminder, so an offer nobody looks at still expires (and says so on the bridge) in the cluster.</summary>
    private async Task ExpireAfter(TimeSpan window) => await this.RegisterOrUpdateReminder(ExpiryReminder, window, window);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Offer {OfferId}: posting its chat message failed; the retry timer posts it again")]
    private static partial void LogChatFailed(ILogger logger, Exception exception, string offerId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Offer {OfferId}: updating the buyer's accepted offers failed")]
    private static partial void LogBuyerListFailed(ILogger logger, Exception exception, string offerId);
}
