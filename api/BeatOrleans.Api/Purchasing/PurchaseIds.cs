using System.Security.Cryptography;
using System.Text;

namespace BeatOrleans.Api.Purchasing;

/// <summary>
/// Purchase ids are entity ids (<see cref="EntityIds"/>). With an Idempotency-Key the id derives from the buyer and the key, so
/// every repeat of a request (concurrent or hours later, on any API node) reaches the one grain that answered it first.
/// </summary>
internal static class PurchaseIds
{
    public static string New() => EntityIds.New();

    public static string ForKey(string buyerId, string idempotencyKey) => Hash($"{buyerId}\n{idempotencyKey}");

    /// <summary>What makes two requests "the same body": the fields that decide the purchase.</summary>
    public static string RequestHash(string beatId, string licenseType, string? offerId = null, string? coupon = null) =>
        offerId is null && coupon is null ? Hash($"{beatId}\n{licenseType}") : Hash($"{beatId}\n{licenseType}\n{offerId}\n{coupon?.ToUpperInvariant()}");

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32];
}
