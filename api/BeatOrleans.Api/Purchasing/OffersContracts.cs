using BeatOrleans.Contracts.Chat;
using BeatOrleans.Contracts.Purchasing;

namespace BeatOrleans.Api.Purchasing;

public sealed record MakeOfferRequest(string? BeatId, string? LicenseType, decimal? Amount, string? Currency, string? Message);

public sealed record CounterOfferRequest(decimal? Amount, string? Message);

/// <summary>An offer as its two parties see it; <c>chat_id</c> is the conversation it is posted in.</summary>
public sealed record OfferResponse(
    string OfferId,
    string ChatId,
    string BeatId,
    string BeatTitle,
    string LicenseType,
    decimal Amount,
    string Currency,
    string? Message,
    string Status,
    string BuyerId,
    string ProducerId,
    string MakerId,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    string? CounterOf,
    string? CounterOfferId,
    DateTimeOffset? AnsweredAt,
    DateTimeOffset? BuyBefore,
    string? PurchaseId,
    string? Reason)
{
    public static OfferResponse From(Offer o) => new(o.OfferId, ChatIds.For(o.BuyerId, o.ProducerId), o.BeatId, o.BeatTitle, o.LicenseType,
        Money.ToMajor(o.AmountMinor, o.Currency), o.Currency, o.Message, OfferNames.StatusName(o.Status), o.BuyerId, o.ProducerId, o.MakerId,
        o.CreatedAt, o.ExpiresAt, o.CounterOf, o.CounterOfferId, o.AnsweredAt, o.BuyBefore, o.PurchaseId, o.Reason);
}

/// <summary>An offer as a chat message of kind <c>offer</c> carries it.</summary>
public sealed record OfferCardResponse(
    string OfferId, string BeatId, string BeatTitle, string LicenseType, decimal Amount, string Currency, string Status, DateTimeOffset ExpiresAt, string? CounterOf)
{
    public static OfferCardResponse? From(OfferCard? c) => c is null
        ? null
        : new(c.OfferId, c.BeatId, c.BeatTitle, c.LicenseType, c.Amount, c.Currency, c.Status, c.ExpiresAt, c.CounterOf);
}
