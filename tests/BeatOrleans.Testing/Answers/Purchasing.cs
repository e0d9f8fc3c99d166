namespace BeatOrleans.Testing;

public sealed record TermsView(
    long? DistributionCopies, long? AudioStreams, long? MusicVideos, long? RadioStations, bool ForProfitPerformances, bool Exclusive);

public sealed record PaymentView(string Provider, string? PaymentId, string? ClientSecret, string? PublishableKey);

public sealed record PurchaseView(
    string PurchaseId, string BeatId, string BeatTitle, string LicenseType, decimal Amount, string Currency, string Status, string BuyerId,
    string ProducerId, IReadOnlyList<string> Deliverables, TermsView Terms, PaymentView Payment, DateTimeOffset CreatedAt,
    DateTimeOffset? PayBefore, DateTimeOffset? CompletedAt, string? FailureReason, decimal ListPrice, decimal Discount, string? Coupon,
    string? OfferId, string? LicenseAgreementUrl);

public sealed record PurchasesPageView(IReadOnlyList<PurchaseView> Purchases, string? NextCursor);

public sealed record DownloadFileView(string Name, string Format, long Bytes, string Url);

public sealed record DownloadView(string PurchaseId, string DownloadUrl, DateTimeOffset ExpiresAt, IReadOnlyList<DownloadFileView> Files);

public sealed record SaleView(
    string PurchaseId, string BeatId, string BeatTitle, string LicenseType, string BuyerId, decimal Amount, string Currency, DateTimeOffset SoldAt,
    decimal Discount, string? Coupon, string? OfferId);

public sealed record SalesTotalView(string Currency, decimal Amount, int Count);

public sealed record SalesPageView(IReadOnlyList<SaleView> Sales, IReadOnlyList<SalesTotalView> Totals, string? NextCursor);

public sealed record LicenseOfferView(string LicenseType, decimal Price, string Currency, IReadOnlyList<string> Deliverables, TermsView Terms);

public sealed record LicensesView(string BeatId, IReadOnlyList<LicenseOfferView> Licenses);
