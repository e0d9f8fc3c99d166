using BeatOrleans.Contracts;
using BeatOrleans.Contracts.Catalog;
using BeatOrleans.Contracts.Events;
using BeatOrleans.Contracts.Purchasing;
using BeatOrleans.Outbox;
using BeatOrleans.Purchasing.Payments;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BeatOrleans.Purchasing.Purchases;

/// <summary>
/// One purchase. Each step is written before the call it leads to, and every call to the payment provider carries an
/// idempotency key derived from the purchase id, so whatever crash interrupts a purchase, repeating its current step
/// (a reminder does, a client's retry does, a webhook does) has the effect of doing it once. The invariants: a captured
/// payment ends with exactly one licence or a full refund, no licence exists without a captured payment, and every
/// hold ends with the payment window.
/// </summary>
internal sealed partial class PurchaseGrain(
    [PersistentState("purchase", StorageNames.Documents)] IPersistentState<PurchaseState> purchase,
    IPaymentGateway gateway,
    IOptions<PurchasingOptions> options,
    TimeProvider clock,
    [FromKeyedServices(Clocks.Market)] TimeProvider market,
    ILogger<PurchaseGrain> logger) : Grain, IPurchaseGrain, IEventSource, IRemindable, IOutboxOwner
{
    private const string ReconcileReminder = "reconcile";
    private const int SeenEventsKept = 20;

    private EventOutbox events = null!;
    private NotificationOutbox notifications = null!;
    private IGrainTimer? retryTimer;
    private bool reminderRegistered;

    private string PurchaseId => this.GetPrimaryKeyString();

    private PurchaseState State => purchase.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        events = new EventOutbox(this, () => State.Events, () => purchase.WriteStateAsync());
        notifications = new NotificationOutbox(this, () => State.Notifications, options.Value.RetryPeriod);
        if (HasPendingWork())
        {
            StartRetry();
        }

        return Task.CompletedTask;
    }

    /// <summary>One write stores both the acknowledgements and the removal of confirmed events.</summary>
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (notifications.Unsaved && purchase.RecordExists)
        {
            await Write();
            events.Deactivated();
        }
        else
        {
            await events.Persisted();
        }
    }

    public Task FlushOutbox() => events.Sweep();

    public async Task<OrderResult> Place(PurchaseOrder order)
    {
        if (State.Order is { } first)
        {
            if (first.BuyerId != order.BuyerId || first.RequestHash != order.RequestHash)
            {
                return new OrderResult(OrderOutcome.KeyReused, null, "This Idempotency-Key was first used with another request body.");
            }
        }
        else
        {
            // Not written yet: until the payment exists nothing is owed, and a repeat of the order (same key) redoes
            // these steps with the same purchase id, so the same hold and the same payment.
            State.Order = order;
            SetStage(PurchaseStage.Reserving);
        }

        if (State.Answer is { } answer)
        {
            return answer;
        }

        var unavailable = await Advance();
        return State.Answer ?? unavailable ?? new OrderResult(OrderOutcome.GatewayUnavailable, null, "The purchase could not be placed; try again.");
    }

    public async Task<ConfirmResult> Confirm(string buyerId, string paymentMethod)
    {
        if (State.Purchase is not { } current || current.BuyerId != buyerId || State.Stage == PurchaseStage.Rejected)
        {
            return new ConfirmResult(ConfirmOutcome.NotFound, null, null);
        }

        await Advance();
        if (State.Purchase is null)
        {
            // It was still creating its payment, which failed: the purchase was undone.
            return new ConfirmResult(ConfirmOutcome.NotFound, null, null);
        }

        ConfirmResult? early = null;
        if (State.Stage == PurchaseStage.PendingPayment)
        {
            // The beat decides again just before any money moves: a beat sold, deleted or unlisted meanwhile, or a
            // licence the producer stopped offering, is not charged.
            var offer = PaymentWindowClosed() ? null : await Beat(current.BeatId).Reserve(PurchaseId, buyerId, current.LicenseType, current.PayBefore!.Value);
            if (offer is null)
            {
                await Close(PurchaseStage.Expired, ExpiredReason, unpaid: true);
            }
            else if (offer.Outcome != ReserveOutcome.Reserved)
            {
                await Close(PurchaseStage.Failed, UnavailableReason(offer.Outcome));
            }
            else if (current.Pricing?.OfferId is { } offerId
                && await GrainFactory.GetGrain<IOfferGrain>(offerId).UsedBy(PurchaseId) is { } first)
            {
                // Another purchase of the buyer's, paid late at the offer's price, used it up: this one is not charged.
                await Close(PurchaseStage.Failed,
                    $"The accepted offer that priced this purchase was used by purchase {first}.");
            }
            else
            {
                State.PaymentMethod = paymentMethod;
                State.ConfirmAttempts++;
                // What the licence delivers as it stands when it is paid: stems the producer sent or replaced since
                // the order was placed are the ones this buyer gets (the price stays the one quoted).
                State.Purchase = State.Purchase! with { Terms = offer.Terms!, Files = offer.Files };
                SetStage(PurchaseStage.Confirming);
                await Commit();
                early = await SendConfirmation();
            }
        }
        else if (State.Stage == PurchaseStage.Confirming)
        {
            // An earlier confirmation's answer was never stored; the payment's state says what it did.
            early = await ResumeConfirmation();
        }

        if (early is not null)
        {
            return early;
        }

        return State.Stage switch
        {
            PurchaseStage.Completed => Answer(ConfirmOutcome.Completed, null),
            PurchaseStage.Confirming or PurchaseStage.Paid or PurchaseStage.Refunding => Answer(ConfirmOutcome.Pending, "The payment is being settled."),
            _ => Answer(ConfirmOutcome.Closed, State.Purchase!.FailureReason ?? $"The purchase is {StatusName()}."),
        };
    }

    public Task<Purchase?> GetPurchase() => Task.FromResult(
        State.Stage is PurchaseStage.New or PurchaseStage.Reserving or PurchaseStage.Rejected ? null : State.Purchase);

    public async Task<bool> PaymentChanged(string eventId)
    {
        if (State.Purchase?.Payment.PaymentId is null || State.SeenEvents.Contains(eventId))
        {
            return true;
        }

        // Remembered only once handled: a delivery that could not be acted on is answered so the provider sends it again.
        if (!await Reconcile(askProvider: true))
        {
            return false;
        }

        State.SeenEvents.Add(eventId);
        if (State.SeenEvents.Count > SeenEventsKept)
        {
            State.SeenEvents.RemoveAt(0);
        }

        await Commit();
        return true;
    }

    /// <summary>The inbox has the notification; the removal reaches storage with the purchase's next write or at deactivation.</summary>
    public Task Acknowledge(string eventId)
    {
        notifications.Acknowledge([eventId]);
        return Task.CompletedTask;
    }

    public Task AcknowledgeAll(IReadOnlyList<string> eventIds)
    {
        notifications.Acknowledge(eventIds);
        return Task.CompletedTask;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == ReconcileReminder)
        {
            await Reconcile(askProvider: true);
        }
    }

    private ConfirmResult Answer(ConfirmOutcome outcome, string? detail) => new(outcome, State.Purchase, detail);

    private IBeatGrain Beat(string beatId) => GrainFactory.GetGrain<IBeatGrain>(beatId);

    private string StatusName() => State.Purchase!.Status.ToString().ToLowerInvariant();

    private bool PaymentWindowClosed() => State.Purchase?.PayBefore is { } payBefore && market.GetUtcNow() >= payBefore;

    /// <summary>Moves the purchase to <paramref name="stage"/>, which <see cref="PurchaseStages"/> must allow from where it is.</summary>
    private void SetStage(PurchaseStage stage)
    {
        var changed = State.Stage != stage;
        if (changed && !PurchaseStages.Allows(State.Stage, stage))
        {
            throw new InvalidOperationException($"Purchase {PurchaseId} cannot move from {State.Stage} to {stage}.");
        }

        State.Stage = stage;
        if (State.Purchase is { } p)
        {
            if (changed)
            {
                PurchasingMetrics.Entered(stage, p.LicenseType, p.AmountMinor, p.Currency);
            }

            State.Purchase = p with { Status = PurchaseStages.StatusOf(stage) };
        }
    }

    private bool HasPendingWork() => State.Stage switch
    {
        PurchaseStage.New or PurchaseStage.Rejected => false,
        PurchaseStage.Completed => !State.BuyerRecorded || !State.SaleRecorded || (State.Purchase?.Pricing is not null && !State.PricingCommitted) || notifications.Count > 0,
        PurchaseStage.Failed or PurchaseStage.Expired => State.CancelPending || notifications.Count > 0,
        PurchaseStage.Refunded => State.CancelPending || notifications.Count > 0 || SaleToReverse,
        _ => true,
    };

    /// <summary>
    /// The one way the purchase stores a change: its integration event is recorded first (recording can fail, as it
    /// enrols the grain in the outbox index, and then nothing has changed yet), then <paramref name="change"/> is
    /// applied and the notifications it causes recorded with it; after the write the event and the notifications are
    /// published and, while work is left, the purchase keeps reconciling.
    /// </summary>
    /// <param name="followUp">Calls the stored change leads to (ledgers, releases), made before the notifications go out.</param>
    private async Task Commit(
        Action? change = null,
        IntegrationEvent? integrationEvent = null,
        IReadOnlyList<NotificationRequested>? notices = null,
        Func<Task>? followUp = null)
    {
        if (integrationEvent is not null)
        {
            await events.Record(integrationEvent);
        }

        change?.Invoke();
        foreach (var notice in notices ?? [])
        {
            notifications.Record(notice);
        }

        await Write();
        events.PublishInBackground();
        if (HasPendingWork())
        {
            await EnsureReconcile();
        }

        if (followUp is not null)
        {
            await followUp();
        }

        await notifications.Publish();
    }

    private async Task Write()
    {
        await purchase.WriteStateAsync();
        notifications.Saved();
    }

    private async Task EnsureReconcile()
    {
        StartRetry();
        if (!reminderRegistered)
        {
            await this.RegisterOrUpdateReminder(ReconcileReminder, options.Value.ReconcilePeriod, options.Value.ReconcilePeriod);
            reminderRegistered = true;
        }
    }

    private void StartRetry() => retryTimer ??= this.RegisterGrainTimer(
        static async (grain, _) => await grain.Reconcile(askProvider: false),
        this,
        new GrainTimerCreationOptions(options.Value.RetryPeriod, options.Value.RetryPeriod) { KeepAlive = true });

    private async Task StopReconciling()
    {
        retryTimer?.Dispose();
        retryTimer = null;
        if (await this.GetReminder(ReconcileReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }

        reminderRegistered = false;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Purchase {PurchaseId}: the payment provider failed ({Step})")]
    private static partial void LogGatewayFailed(ILogger logger, Exception exception, string purchaseId, string step);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Purchase {PurchaseId}: releasing its offer, coupon use or buyer's hold failed; they lapse in time")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception, string purchaseId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Purchase {PurchaseId}: reconciling failed; the next tick tries again")]
    private static partial void LogReconcileFailed(ILogger logger, Exception exception, string purchaseId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Purchase {PurchaseId}: its payment was captured after the purchase closed; granting the licence or refunding it")]
    private static partial void LogCapturedAfterClose(ILogger logger, string purchaseId);
}
