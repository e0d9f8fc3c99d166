using System.Text.Json;
using BeatOrleans.Contracts.Catalog;
using BeatOrleans.Contracts.Purchasing;

namespace BeatOrleans.Api.Purchasing;

public sealed record CreatePurchaseRequest(string? BeatId, string? LicenseType, string? OfferId = null, string? Coupon = null);

public sealed record ConfirmPurchaseRequest(string? PaymentMethod);

public sealed record UpdateLicensesRequest(JsonElement? Licenses);

public sealed record WebhookReceivedResponse(bool Received);

/// <summary>A licence's terms as the contract shows them: null caps are unlimited.</summary>
public sealed record TermsResponse(
    long? DistributionCopies,
    long? AudioStreams,
    int? MusicVideos,
    int? RadioStations,
    bool ForProfitPerformances,
    bool Exclusive)
{
    public static TermsResponse From(LicenseTerms t) => new(t.DistributionCopies, t.AudioStreams, t.MusicVideos, t.RadioStations, t.ForProfitPerformances, t.Exclusive);
}

public sealed record LicenseOfferResponse(string LicenseType, decimal Price, string Currency, IReadOnlyList<string> Deliverables, TermsResponse Terms)
{
    public static LicenseOfferResponse From(LicenseTier tier, bool hasStems)
    {
        var terms = LicenseCatalog.For(tier.LicenseType, hasStems);
        return new(tier.LicenseType, tier.Price, tier.Currency, terms.Deliverables, TermsResponse.From(terms));
    }
}

public sealed record LicensesResponse(string BeatId, IReadOnlyList<LicenseOfferResponse> Licenses)
{
    public static LicensesResponse From(Beat beat) =>
        new(beat.BeatId, [.. beat.Licenses.Select(t => LicenseOfferResponse.From(t, beat.Stems is not null))]);
}

/// <summary>
/// The payment as a client confirms it: with Stripe, the buyer's browser may confirm with Stripe.js, which needs the
/// client secret and the account's publishable key (<c>Payments:Stripe:PublishableKey</c>), both only while it can pay.
/// </summary>
public sealed record PaymentResponse(string Provider, string? PaymentId, string? ClientSecret, string? PublishableKey);

/// <summary>A purchase as the contract shows it; the client secret only to the buyer, and only while it can still pay.</summary>
public sealed record PurchaseResponse(
    string PurchaseId,
    string BeatId,
    string BeatTitle,
    string LicenseType,
    decimal Amount,
    string Currency,
    string Status,
    string BuyerId,
    string ProducerId,
    IReadOnlyList<string> Deliverables,
    TermsResponse Terms,
    PaymentResponse Payment,
    DateTimeOffset CreatedAt,
    DateTimeOffset? PayBefore,
    DateTimeOffset? CompletedAt,
    string? FailureReason,
    decimal ListPrice,
    decimal Discount,
    string? Coupon,
    string? OfferId,
    string? LicenseAgreementUrl)
{
    public static PurchaseResponse From(Purchase p, string callerId, string? stripePublishableKey)
    {
        var canPay = callerId == p.BuyerId && p.Status == PurchaseStatus.PendingPayment;
        return new(
        p.PurchaseId, p.BeatId, p.BeatTitle, p.LicenseType, Money.ToMajor(p.AmountMinor, p.Currency), p.Currency, StatusName(p.Status),
        p.BuyerId, p.ProducerId, p.Terms.Deliverables, TermsResponse.From(p.Terms),
        new PaymentResponse(p.Payment.Provider, p.Payment.PaymentId, canPay ? p.Payment.ClientSecret : null,
            canPay && p.Payment.Provider == "stripe" ? stripePublishableKey : null),
        p.CreatedAt, p.Status == PurchaseStatus.PendingPayment ? p.PayBefore : null, p.CompletedAt, p.FailureReason,
        Money.ToMajor(p.ListAmountMinor, p.Currency),
        Money.ToMajor(Math.Max(0, p.ListAmountMinor - p.AmountMinor), p.Currency),
        p.Pricing?.Coupon, p.Pricing?.OfferId,
        p.Status == PurchaseStatus.Completed ? $"/api/purchases/{p.PurchaseId}/license.pdf" : null);
    }

    /// <summary>The publishable key of the Stripe account, when one is configured.</summary>
    public static string? StripePublishableKey(HttpContext http) =>
        http.RequestServices.GetRequiredService<IConfiguration>()["Payments:Stripe:PublishableKey"] is { Length: > 0 } key ? key : null;

    public static string StatusName(PurchaseStatus status) => status switch
    {
        PurchaseStatus.PendingPayment => "pending_payment",
        _ => status.ToString().ToLowerInvariant(),
    };
}

public sealed record PurchasesPageResponse(IReadOnlyList<PurchaseResponse> Purchases, string? NextCursor);

public sealed record DownloadFileResponse(string Name, string Format, long Bytes, string Url);

public sealed record DownloadResponse(string PurchaseId, string DownloadUrl, DateTimeOffset ExpiresAt, IReadOnlyList<DownloadFileResponse> Files);

/// <summary>A sale in the producer's ledger: <c>amount</c> is what the buyer paid, <c>discount</c> what a coupon or an offer took off the list price.</summary>
/// <summary>A sale; <c>refunded</c>: refunded in full since, so it no longer counts in the totals.</summary>
public sealed record SaleResponse(string PurchaseId, string BeatId, string BeatTitle, string LicenseType,
    string BuyerId, decimal Amount, string Currency, DateTimeOffset SoldAt, decimal Discount, string? Coupon,
    string? OfferId, bool Refunded)
{
    public static SaleResponse From(Sale s) => new(s.PurchaseId, s.BeatId, s.BeatTitle, s.LicenseType, s.BuyerId,
        Money.ToMajor(s.AmountMinor, s.Currency), s.Currency, s.SoldAt, Money.ToMajor(s.DiscountMinor, s.Currency),
        s.Coupon, s.OfferId, s.Refunded);
}

public sealed record SalesTotalResponse(string Currency, decimal Amount, int Count);

public sealed record SalesPageResponse(IReadOnlyList<SaleResponse> Sales, IReadOnlyList<SalesTotalResponse> Totals, string? NextCursor);
