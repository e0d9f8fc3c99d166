namespace BeatOrleans.Contracts.Events;

/// <summary>Routing keys of the integration events (docs/EVENTS.md has each schema).</summary>
public static class EventTypes
{
    public const string UserRegistered = "users.registered";
    public const string ChatMessageSent = "chat.message_sent";
    public const string NotificationCreated = "notifications.created";
    public const string BeatUploaded = "catalog.beat_uploaded";
    public const string BeatReady = "catalog.beat_ready";
    public const string BeatFailed = "catalog.beat_failed";
    public const string BeatDeleted = "catalog.beat_deleted";
    public const string BeatSold = "catalog.beat_sold";
    public const string PurchaseCompleted = "purchasing.purchase_completed";
    public const string PurchaseRefunded = "purchasing.purchase_refunded";
    public const string OfferMade = "offer.made";
    public const string OfferCountered = "offer.countered";
    public const string OfferAccepted = "offer.accepted";
    public const string OfferDeclined = "offer.declined";
    public const string OfferWithdrawn = "offer.withdrawn";
    public const string OfferExpired = "offer.expired";
    public const string OfferVoided = "offer.voided";
    public const string OfferPurchased = "offer.purchased";

    /// <summary>Inbound, on <c>beatorleans.inbound</c>: a notification for a user, from outside the cluster.</summary>
    public const string NotificationRequested = "notification.requested";
}

// The data of each outbound type. They cross RabbitMQ as snake_case JSON, not the Orleans wire, so they carry no
// Orleans ids; their property names are the published schema: rename nothing.

/// <summary><c>users.registered</c>: an account was created.</summary>
public sealed record UserRegistered(string UserId, string Username, DateTimeOffset CreatedAt);

/// <summary><c>chat.message_sent</c>: a message was stored. The content stays inside: chats are private.</summary>
public sealed record ChatMessageSent(string ChatId, string MessageId, long Sequence, string SenderId, string ReceiverId, int Length, DateTimeOffset SentAt);

/// <summary><c>notifications.created</c>: a notification was stored in a user's inbox.</summary>
public sealed record NotificationCreated(
    string NotificationId, string UserId, string Type, string Message, DateTimeOffset CreatedAt, string? SubjectType,
    string? SubjectId);

/// <summary><c>catalog.beat_uploaded</c>: a producer uploaded a beat; it is processing and not listed yet.</summary>
public sealed record BeatUploadedData(string BeatId, string ProducerId, string Title, string Artist, string Format, long Bytes, DateTimeOffset CreatedAt);

/// <summary><c>catalog.beat_ready</c>: a beat was processed and is listed in the catalogue (published).</summary>
public sealed record BeatReadyData(string BeatId, string ProducerId, string Title, string Artist, string? Genre, double? Bpm, double DurationSeconds,
    IReadOnlyList<string> Tags, IReadOnlyList<BeatLicenseData> Licenses, DateTimeOffset ReadyAt);

/// <summary>One licence tier of a <see cref="BeatReadyData"/>: price in major units.</summary>
public sealed record BeatLicenseData(string LicenseType, decimal Price, string Currency);

/// <summary><c>catalog.beat_failed</c>: processing found the upload unusable.</summary>
public sealed record BeatFailedData(string BeatId, string ProducerId, string Reason, DateTimeOffset FailedAt);

/// <summary><c>catalog.beat_deleted</c>: the producer removed the beat from the catalogue (buyers keep their files).</summary>
public sealed record BeatDeletedData(string BeatId, string ProducerId, DateTimeOffset DeletedAt);


/// <summary><c>catalog.beat_sold</c>: the exclusive licence was sold; the beat left the catalogue for good.</summary>
public sealed record BeatSoldData(string BeatId, string ProducerId, string PurchaseId, DateTimeOffset SoldAt);

/// <summary><c>purchasing.purchase_completed</c>: a payment was captured and its licence granted. Amount in major units.</summary>
public sealed record PurchaseCompletedData(string PurchaseId, string BeatId, string BuyerId, string ProducerId, string LicenseType, decimal Amount,
    string Currency, string PaymentProvider, string? PaymentId, DateTimeOffset CompletedAt);

/// <summary><c>purchasing.purchase_refunded</c>: a captured payment could not be honoured (the beat sold meanwhile) and was refunded in full.</summary>
public sealed record PurchaseRefundedData(string PurchaseId, string BeatId, string BuyerId, decimal Amount, string Currency, string Reason, DateTimeOffset RefundedAt);

/// <summary>
/// <c>offer.*</c>: an offer changed status (made, countered, accepted, declined, withdrawn, expired, voided, purchased).
/// Amount in major units; <c>counter_offer_id</c> names the counter-offer of a countered offer.
/// </summary>
public sealed record OfferEventData(string OfferId, string BeatId, string LicenseType, string BuyerId, string ProducerId, string MakerId,
    decimal Amount, string Currency, string Status, string? CounterOf, string? CounterOfferId, string? PurchaseId, string? Reason, DateTimeOffset OccurredAt);
