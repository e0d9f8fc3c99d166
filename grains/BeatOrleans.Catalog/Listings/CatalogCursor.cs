using System.Buffers.Text;
using System.Globalization;
using System.Text;
using BeatOrleans.Contracts.Catalog;

namespace BeatOrleans.Catalog.Listings;

/// <summary>
/// Keyset paging: a cursor carries the sort and the last row's sort value and beat id, so the next page starts right
/// after it however many beats were added meanwhile, and costs the same on page 1 and page 1,000.
/// </summary>
public sealed record CatalogCursor(CatalogSort Sort, long Value, string BeatId)
{
    public string Encode() => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(
        $"{(int)Sort}|{Value.ToString(CultureInfo.InvariantCulture)}|{BeatId}"));

    public static CatalogCursor? Decode(string? text, CatalogSort sort)
    {
        if (string.IsNullOrEmpty(text) || text.Length > 200)
        {
            return null;
        }

        try
        {
            var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(text)).Split('|');
            return parts.Length == 3
                && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var s) && s == (int)sort
                && long.TryParse(parts[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
                && parts[2].Length is > 0 and <= 64
                ? new CatalogCursor(sort, value, parts[2])
                : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
