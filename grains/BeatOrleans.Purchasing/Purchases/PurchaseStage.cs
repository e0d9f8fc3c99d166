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

        [PurchaseStage.Completed] = new(PurchaseStatus.Completed, []),

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
