using BeatOrleans.Contracts.Events;
using BeatOrleans.Contracts.Purchasing;

namespace BeatOrleans.Purchasing.Purchases;

/// <summary>Where a purchase is in its own process; each step is written before the call that follows it, so a crash resumes it.</summary>
[GenerateSerializer, Alias("purchasing.PurchaseStage")]
public enum PurchaseStage
{
    New = 0,

    /// <summary>The order is stored; the beat has not answered yet.</summary>
    Reserving = 1,

    /// <summary>The beat reserved the licence; the payment is being created (idempotently).</summary>
    CreatingPayment = 2,

    PendingPayment = 3,

    /// <summary>A confirmation was sent with <see cref="PurchaseState.PaymentMethod"/> and <see cref="PurchaseState.ConfirmAttempts"/>; its answer is not stored yet.</summary>
    Confirming = 4,

    /// <summary>The payment is captured; the licence is being granted.</summary>
    Paid = 5,

    Completed = 6,
    Failed = 7,
    Expired = 8,

    /// <summary>Captured but not grantable: the refund is being made (idempotently).</summary>
    Refunding = 9,

    Refunded = 10,

    /// <summary>The beat refused the order (sold, held, own beat...): there is no purchase, only the answer to replay.</summary>
    Rejected = 11,
}

/// <summary>
/// The purchase's stage machine, whole: for each stage the status its buyer sees, what moves it on, and the stages it
/// may go to. <c>PurchaseGrain.SetStage</c> refuses any other move, so this table is the machine, not a picture of it.
/// </summary>
public static class PurchaseStages
{
    private static readonly Dictionary<PurchaseStage, Stage> Table = new()
    {
        // Place stores the order.
        [PurchaseStage.New] = new(PurchaseStatus.PendingPayment, [PurchaseStage.Reserving]),

        // Advance: the beat reserves the licence (an offer or a coupon may price it), or refuses the order.
        [PurchaseStage.Reserving] = new(PurchaseStatus.PendingPayment, [PurchaseStage.CreatingPayment, PurchaseStage.Rejected]),

        // Advance: the provider creates the payment, or refuses it. Unreachable, the purchase is undone (back to New
        // by a fresh state, not by a move) and a repeat of the order starts afresh.
        [PurchaseStage.CreatingPayment] = new(PurchaseStatus.PendingPayment, [PurchaseStage.PendingPayment, PurchaseStage.Rejected]),

        // Confirm sends the confirmation; Reconcile closes it when the window ends or the provider settled it.
        [PurchaseStage.PendingPayment] = new(PurchaseStatus.PendingPayment,
            [PurchaseStage.Confirming, PurchaseStage.Paid, PurchaseStage.Failed, PurchaseStage.Expired]),

        // The provider's answer (or, once lost, the payment's state): captured, declined, cancelled, or needing the buyer again.
        [PurchaseStage.Confirming] = new(PurchaseStatus.Processing,
            [PurchaseStage.PendingPayment, PurchaseStage.Paid, PurchaseStage.Failed, PurchaseStage.Expired]),

        // Advance: the beat grants the licence, or refuses it (sold meanwhile) and the payment is refunded.
        [PurchaseStage.Paid] = new(PurchaseStatus.Processing, [PurchaseStage.Completed, PurchaseStage.Refunding]),

        // Advance: the provider refunds in full.
        [PurchaseStage.Refunding] = new(PurchaseStatus.Processing, [PurchaseStage.Refunded]),

        // Refunded in full at the provider after the sale (its dashboard or API): the licence is withdrawn.
        [PurchaseStage.Completed] = new(PurchaseStatus.Completed, [PurchaseStage.Refunded]),

        // Reconcile: a payment captured after the close (a cancel that did not answer, a payment racing the close) is honoured.
        [PurchaseStage.Failed] = new(PurchaseStatus.Failed, [PurchaseStage.Paid]),
        [PurchaseStage.Expired] = new(PurchaseStatus.Expired, [PurchaseStage.Paid]),

        [PurchaseStage.Refunded] = new(PurchaseStatus.Refunded, []),
        [PurchaseStage.Rejected] = new(PurchaseStatus.PendingPayment, []),
    };

    /// <summary>The status a purchase in <paramref name="stage"/> shows its buyer.</summary>
    public static PurchaseStatus StatusOf(PurchaseStage stage) => Table[stage].Status;

    /// <summary>Whether a purchase may move from <paramref name="from"/> to <paramref name="to"/> (staying put is always allowed).</summary>
    public static bool Allows(PurchaseStage from, PurchaseStage to) => from == to || Table[from].Next.Contains(to);

    private sealed record Stage(PurchaseStatus Status, PurchaseStage[] Next);
}

/// <summary>What a purchase stores: the order, its stage (<see cref="PurchaseStages"/>), the purchase as the buyer sees it, and both outboxes.</summary>
[GenerateSerializer, Alias("purchasing.PurchaseState")]
public sealed class PurchaseState
{
    [Id(0)] public PurchaseOrder? Order { get; set; }

    [Id(1)] public PurchaseStage Stage { get; set; }

    /// <summary>The purchase as it stands once the beat made its offer.</summary>
    [Id(2)] public Purchase? Purchase { get; set; }

    /// <summary>The first answer to the order, replayed to every repeat of it (Idempotency-Key).</summary>
    [Id(3)] public OrderResult? Answer { get; set; }

    [Id(4)] public string? PaymentMethod { get; set; }

    [Id(5)] public int ConfirmAttempts { get; set; }

    /// <summary>A closed purchase's payment still to be cancelled at the provider, so it can never be captured.</summary>
    [Id(6)] public bool CancelPending { get; set; }

    [Id(7)] public bool BuyerRecorded { get; set; }

    [Id(8)] public bool SaleRecorded { get; set; }

    [Id(9)] public List<NotificationRequested> Notifications { get; set; } = [];

    [Id(10)] public List<IntegrationEvent> Events { get; set; } = [];

    /// <summary>Webhook event ids already handled (the newest few: the provider retries for days, but state makes repeats harmless).</summary>
    [Id(11)] public List<string> SeenEvents { get; set; } = [];

    /// <summary>The offer and coupon that priced a completed purchase know it (the offer is used, the coupon's use counted).</summary>
    [Id(12)] public bool PricingCommitted { get; set; }

    /// <summary>A completed purchase refunded at the provider: the producer's ledger took the sale back.</summary>
    [Id(13)] public bool SaleReversed { get; set; }

}
