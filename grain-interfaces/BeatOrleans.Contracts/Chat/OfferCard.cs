namespace BeatOrleans.Contracts.Chat;

/// <summary>An offer as a chat message of kind <c>offer</c> shows it: the offer at the moment of that message.</summary>
[GenerateSerializer, Immutable, Alias("chat.OfferCard")]
public sealed record OfferCard(
    [property: Id(0)] string OfferId,
    [property: Id(1)] string BeatId,
    [property: Id(2)] string BeatTitle,
    [property: Id(3)] string LicenseType,
    [property: Id(4)] decimal Amount,
    [property: Id(5)] string Currency,
    [property: Id(6)] string Status,
    [property: Id(7)] DateTimeOffset ExpiresAt,
    [property: Id(8)] string? CounterOf);

/// <summary>The kinds of chat message.</summary>
public static class MessageKinds
{
    public const string Text = "text";
    public const string Offer = "offer";
}
