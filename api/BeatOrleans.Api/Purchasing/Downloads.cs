using BeatOrleans.Api.Auth;
using BeatOrleans.Api.Catalog;
using BeatOrleans.Catalog.Files.Blobs;
using BeatOrleans.Catalog.Files.Formats;
using BeatOrleans.Contracts.Purchasing;
using BlobResult = Microsoft.AspNetCore.Http.HttpResults.Results<
    Microsoft.AspNetCore.Http.HttpResults.RedirectHttpResult, Microsoft.AspNetCore.Http.HttpResults.PhysicalFileHttpResult>;

namespace BeatOrleans.Api.Purchasing;

/// <summary>
/// A buyer's files: signed URLs (any API node honours them) that name the purchase and the file. Serving one checks the
/// purchase again, so a URL handed on stops working when it expires, and never opens another purchase's files.
/// </summary>
internal static class Downloads
{
    /// <summary>How long a download URL works: long enough to start a download, short enough not to be worth sharing.</summary>
    public static readonly TimeSpan UrlLifetime = TimeSpan.FromMinutes(5);

    public static async Task<Results<Ok<DownloadResponse>, ProblemHttpResult>> Grant(string purchase_id, HttpContext http, IGrainFactory grains, SignedUrls signer)
    {
        var purchase = await PurchasingEndpoints.Find(grains, purchase_id);
        if (purchase is null || purchase.BuyerId != http.User.UserId())
        {
            return PurchasingEndpoints.NotFound();
        }

        if (purchase.Status != PurchaseStatus.Completed)
        {
            return PurchasingEndpoints.NotCompleted(purchase, "Files are available once the purchase is completed");
        }

        var expires = signer.Expiry(UrlLifetime);
        var baseUrl = http.Request.BaseUrl();
        var files = purchase.Files.Select(f => new DownloadFileResponse(f.Name, f.File.Format, f.File.Bytes,
            $"{baseUrl}/api/purchases/{purchase_id}/files/{f.Name}?{signer.Sign(FileGrant(purchase_id, f.Name), expires)}")).ToList();
        // The agreement comes with the files, through the same kind of signed URL.
        var agreement = await LicenseAgreement.For(purchase, grains);
        files.Add(new DownloadFileResponse(LicenseAgreement.FileName, "pdf", agreement.LongLength,
            $"{baseUrl}/api/purchases/{purchase_id}/files/{LicenseAgreement.FileName}?{signer.Sign(FileGrant(purchase_id, LicenseAgreement.FileName), expires)}"));
        // The headline file is the best audio the licence delivers; stems come as their own file.
        var main = files.FirstOrDefault(f => f.Name == Deliverables.Wav) ?? files.First(f => f.Name == Deliverables.Mp3);
        return TypedResults.Ok(new DownloadResponse(purchase_id, main.Url, expires, files));
    }

    public static async Task<Results<FileContentHttpResult, BlobResult, ProblemHttpResult>> Serve(string purchase_id, string file, string? exp, string? sig, IGrainFactory grains, IBlobStore blobs, SignedUrls signer)
    {
        if (!signer.Verify(FileGrant(purchase_id, file), exp, sig))
        {
            return Refusals.Forbidden("The download URL is invalid or has expired; ask GET /api/purchases/{purchase_id}/download for a new one.");
        }

        var purchase = await PurchasingEndpoints.Find(grains, purchase_id);
        if (purchase is { Status: PurchaseStatus.Completed } && file == LicenseAgreement.FileName)
        {
            return TypedResults.File(await LicenseAgreement.For(purchase, grains), "application/pdf", $"license-{purchase_id}.pdf");
        }

        if (purchase is not { Status: PurchaseStatus.Completed } || purchase.Files.FirstOrDefault(f => f.Name == file) is not { } deliverable)
        {
            return PurchasingEndpoints.NotFound();
        }

        var format = deliverable.File.Format;
        return BlobResults.Serve(blobs, deliverable.File.Key, MediaFormats.ContentType(format), UrlLifetime, DownloadName(purchase, file, format)) is { } blob
            ? blob
            : PurchasingEndpoints.NotFound();
    }

    private static string FileGrant(string purchaseId, string file) => $"download:{purchaseId}:{file}";

    /// <summary>"Title - wav_lease - wav.wav", with only characters every file system takes.</summary>
    private static string DownloadName(Purchase purchase, string file, string extension)
    {
        var title = new string([.. purchase.BeatTitle.Select(c => char.IsLetterOrDigit(c) || c is ' ' or '-' or '_' ? c : '_')]).Trim();
        return $"{(title.Length == 0 ? "beat" : title)} - {purchase.LicenseType} - {file}.{extension}";
    }
}
