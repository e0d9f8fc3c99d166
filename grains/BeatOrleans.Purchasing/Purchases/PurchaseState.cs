using BeatOrleans.Contracts.Events;
using BeatOrleans.Contracts.Purchasing;

namespace BeatOrleans.Purchasing.Purchases;

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

}
