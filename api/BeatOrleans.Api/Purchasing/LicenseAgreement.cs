using System.Globalization;
using BeatOrleans.Contracts.Catalog;
using BeatOrleans.Contracts.Purchasing;
using BeatOrleans.Contracts.Users;
using PdfSharp.Drawing;
using PdfSharp.Fonts;
using PdfSharp.Pdf;

namespace BeatOrleans.Api.Purchasing;

/// <summary>
/// The licence agreement of a completed purchase as a PDF: the parties, the beat, the tier's terms as sold (the
/// snapshot in the purchase, never today's tier), the price paid and the credit line. The same purchase always gives
/// the same bytes: the dates in the document are the purchase's and its document ids derive from the purchase id.
/// </summary>
internal static partial class LicenseAgreement
{
    public const string FileName = "license_agreement";
    private const string Family = "DejaVu Sans";
    private const double Margin = 56;
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    static LicenseAgreement()
    {
        // PDFsharp's font resolver is process-wide; on Linux it finds no system fonts, so the API carries its own.
        if (GlobalFontSettings.FontResolver is not EmbeddedFonts)
        {
            GlobalFontSettings.FontResolver = new EmbeddedFonts();
        }
    }

    /// <summary>
    /// The agreement, with the parties' usernames at the sale, so it is the same document after a rename (a sale
    /// completed before the names were kept, or while they could not be read, shows the current ones).
    /// </summary>
    public static async Task<byte[]> For(Purchase purchase, IGrainFactory grains)
    {
        var producer = purchase.ProducerName ?? await CurrentName(purchase.ProducerId, grains);
        var buyer = purchase.BuyerName ?? await CurrentName(purchase.BuyerId, grains);
        return Render(purchase, producer ?? purchase.ProducerId, buyer ?? purchase.BuyerId);
    }

    private static async Task<string?> CurrentName(string userId, IGrainFactory grains) =>
        (await grains.GetGrain<IUserGrain>(userId).GetProfile())?.Username;

    public static byte[] Render(Purchase p, string producerName, string buyerName)
    {
        var date = (p.CompletedAt ?? p.CreatedAt).UtcDateTime;
        using var document = new PdfDocument();
        document.Info.Title = $"Licence agreement {p.PurchaseId}";
        document.Info.Author = "BeatOrleans";
        document.Info.Subject = $"{p.LicenseType} licence of \"{p.BeatTitle}\"";
        document.Info.Creator = "BeatOrleans";
        document.Info.CreationDate = date;
        document.Info.ModificationDate = date;
        document.Internals.FirstDocumentID = p.PurchaseId.ToUpperInvariant();
        document.Internals.SecondDocumentID = p.PurchaseId.ToUpperInvariant();

        var page = document.AddPage();
        page.Width = XUnit.FromPoint(595);
        page.Height = XUnit.FromPoint(842);
        using (var gfx = XGraphics.FromPdfPage(page))
        {
            var writer = new Lines(gfx, page.Width.Point - 2 * Margin);
            writer.Title("Beat Licence Agreement");
            writer.Text($"Agreement {p.PurchaseId}, made on {date.ToString("yyyy-MM-dd", Invariant)} through BeatOrleans.");
            writer.Heading("Parties");
            writer.Text($"Licensor (producer): {producerName} (user {p.ProducerId})");
            writer.Text($"Licensee (buyer): {buyerName} (user {p.BuyerId})");
            writer.Heading("Beat");
            writer.Text($"Title: {p.BeatTitle}");
            writer.Text($"Beat id: {p.BeatId}");
            writer.Text($"BPM: {(p.Bpm is { } bpm ? bpm.ToString("0.##", Invariant) : "not stated")}    Key: {p.Key ?? "not stated"}");
            var tier = LicenseTypes.DisplayName(p.LicenseType);
            writer.Heading($"Licence: {tier} ({p.LicenseType})");
            var t = p.Terms;
            writer.Text($"Exclusive rights: {(t.Exclusive ? "yes - the beat is sold to the licensee alone and leaves the marketplace" : "no - a non-exclusive lease")}");
            writer.Text($"Files delivered: {string.Join(", ", t.Deliverables)}{(t.Deliverables.Contains(Deliverables.Stems) ? " (stems included)" : " (no stems)")}");
            writer.Text($"Distribution copies: {Cap(t.DistributionCopies)}");
            writer.Text($"Audio streams: {Cap(t.AudioStreams)}");
            writer.Text($"Music videos: {Cap(t.MusicVideos)}");
            writer.Text($"Radio stations: {Cap(t.RadioStations)}");
            writer.Text($"For-profit performances: {(t.ForProfitPerformances ? "allowed" : "not allowed")}");
            writer.Heading("Price");
            if (p.Pricing is { } pricing)
            {
                writer.Text($"List price: {Amount(pricing.ListAmountMinor, p.Currency)}");
                if (pricing.OfferId is { } offerId)
                {
                    // An offer is used by the purchase, but prices it only below the list price: a producer who
                    // lowered the price after accepting a dearer offer sold at the lower price.
                    writer.Text(pricing.DiscountMinor > 0
                        ? $"Agreed price (accepted offer {offerId}): {Amount(p.AmountMinor, p.Currency)}"
                        : $"Accepted offer {offerId}: not below the list price, so the list price applies.");
                }

                if (pricing.Coupon is { } coupon)
                {
                    writer.Text($"Discount (coupon {coupon}): {Amount(pricing.DiscountMinor, p.Currency)}");
                }
            }

            writer.Text($"Price paid: {Amount(p.AmountMinor, p.Currency)} ({p.Payment.Provider} payment {p.Payment.PaymentId})");
            writer.Heading("Credit");
            writer.Text($"The licensee credits the producer on every release as: \"Prod. by {producerName}\"");
            writer.Heading("Terms");
            writer.Text("The licensor grants the licensee the rights above in the beat, for the licensee's own recordings, worldwide. "
                + "Caps count across all formats and platforms; uses beyond a cap need a new licence. The licensor keeps the copyright "
                + "in the beat. A non-exclusive licence does not stop the licensor licensing the beat to others.");
        }

        using var stream = new MemoryStream();
        document.Save(stream, closeStream: false);
        return WithStableNames(stream.ToArray(), p.PurchaseId);
    }

    /// <summary>
    /// PDFsharp draws two kinds of names at random: six capitals naming each embedded font subset ("ABCDEF+DejaVuSans")
    /// and the GUIDs of the XMP metadata. Each distinct one is replaced, in order of appearance, by one derived from the
    /// purchase id: the same length, so no offset in the file moves.
    /// </summary>
    private static byte[] WithStableNames(byte[] pdf, string purchaseId)
    {
        var text = System.Text.Encoding.Latin1.GetString(pdf);
        var names = new Dictionary<string, string>();
        var stable = RandomNames().Replace(text, match =>
        {
            if (!names.TryGetValue(match.Value, out var name))
            {
                var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{purchaseId}/{names.Count}"));
                name = match.Groups["tag"].Success
                    ? $"{new string([.. hash.Take(6).Select(b => (char)('A' + (b % 26)))])}+"
                    : new Guid(hash.AsSpan(0, 16)).ToString("D");
                names[match.Value] = name;
            }

            return name;
        });
        return System.Text.Encoding.Latin1.GetBytes(stable);
    }

    [System.Text.RegularExpressions.GeneratedRegex("(?<=/)(?<tag>[A-Z]{6})\\+|(?<=uuid:)[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")]
    private static partial System.Text.RegularExpressions.Regex RandomNames();

    private static string Cap<T>(T? cap) where T : struct, IFormattable =>
        cap is { } value ? value.ToString("#,0", Invariant) : "unlimited";

    private static string Amount(long minor, string currency) => Money.FormatMinor(minor, currency);

    /// <summary>
    /// Writes top to bottom, wrapping long lines at word boundaries. Each character is written in DejaVu Sans where it
    /// has the glyph, else in Droid Sans Fallback where that has it (a title in Japanese stays legible).
    /// </summary>
    private sealed class Lines(XGraphics gfx, double width)
    {
        private readonly Fonts title = new(18, XFontStyleEx.Bold);
        private readonly Fonts heading = new(12, XFontStyleEx.Bold);
        private readonly Fonts body = new(10, XFontStyleEx.Regular);
        private double y = Margin;

        public void Title(string text) => Write(text, title, after: 10);

        public void Heading(string text)
        {
            y += 8;
            Write(text, heading, after: 4);
        }

        public void Text(string text) => Write(text, body, after: 2);

        private void Write(string text, Fonts fonts, double after)
        {
            var line = "";
            foreach (var word in text.Split(' ').SelectMany(w => Fit(w, fonts)))
            {
                var candidate = line.Length == 0 ? word : $"{line} {word}";
                if (line.Length > 0 && Measure(candidate, fonts) > width)
                {
                    Draw(line, fonts);
                    line = word;
                }
                else
                {
                    line = candidate;
                }
            }

            Draw(line, fonts);
            y += after;
        }

        /// <summary>
        /// A word wider than the line (a title or a name without spaces), in pieces that fit, broken between
        /// characters as people see them (a surrogate pair or a combining mark stays whole).
        /// </summary>
        private IEnumerable<string> Fit(string word, Fonts fonts)
        {
            if (Measure(word, fonts) <= width)
            {
                yield return word;
                yield break;
            }

            var piece = "";
            var elements = StringInfo.GetTextElementEnumerator(word);
            while (elements.MoveNext())
            {
                var element = elements.GetTextElement();
                if (piece.Length > 0 && Measure(piece + element, fonts) > width)
                {
                    yield return piece;
                    piece = "";
                }

                piece += element;
            }

            if (piece.Length > 0)
            {
                yield return piece;
            }
        }

        private double Measure(string text, Fonts fonts) =>
            fonts.Runs(text).Sum(run => gfx.MeasureString(run.Text, run.Font).Width);

        private void Draw(string line, Fonts fonts)
        {
            var height = fonts.Height;
            var x = Margin;
            foreach (var (text, font) in fonts.Runs(line))
            {
                gfx.DrawString(text, font, XBrushes.Black, new XRect(x, y, width, height), XStringFormats.TopLeft);
                x += gfx.MeasureString(text, font).Width;
            }

            y += height;
        }
    }

    /// <summary>The agreement's fonts at one size and style, and which of them writes each part of a text.</summary>
    private sealed class Fonts(double size, XFontStyleEx style)
    {
        private readonly XFont[] fonts = [.. EmbeddedFonts.All.Select(f => new XFont(f.Family, size, style))];

        public double Height => fonts[0].GetHeight();

        /// <summary>The text in runs of one font each: by text element, so a base and its marks share a font.</summary>
        public IEnumerable<(string Text, XFont Font)> Runs(string text)
        {
            var run = new System.Text.StringBuilder();
            var runFont = 0;
            var elements = StringInfo.GetTextElementEnumerator(text);
            while (elements.MoveNext())
            {
                // An emoji's presentation selector asks for colour, which a PDF font has not: the glyph is the same.
                var element = elements.GetTextElement().Replace("\uFE0F", "", StringComparison.Ordinal)
                    .Replace("\uFE0E", "", StringComparison.Ordinal);
                if (element.Length == 0)
                {
                    continue;
                }

                var font = FontFor(element);
                if (run.Length > 0 && font != runFont)
                {
                    yield return (run.ToString(), fonts[runFont]);
                    run.Clear();
                }

                runFont = font;
                run.Append(element);
            }

            if (run.Length > 0)
            {
                yield return (run.ToString(), fonts[runFont]);
            }
        }

        /// <summary>The first font with every character of the element; DejaVu Sans (a box) when none has.</summary>
        private static int FontFor(string element)
        {
            var all = EmbeddedFonts.All;
            for (var i = 0; i < all.Length; i++)
            {
                if (element.EnumerateRunes().All(r => all[i].Coverage.Value.Covers(r.Value)))
                {
                    return i;
                }
            }

            return 0;
        }
    }

    /// <summary>
    /// The fonts embedded in the API (Fonts/LICENSE.txt), in the order they are asked for a character: DejaVu Sans
    /// (Latin, Greek, Cyrillic, Arabic and Hebrew letters, symbols; Bitstream Vera licence), Droid Sans Fallback
    /// (Chinese, Japanese; Apache 2.0), NanumSquare (Korean; SIL Open Font License 1.1) and Symbola (emoji and
    /// symbols, in outline; free for any use). Bold is simulated, and PDFsharp embeds only the glyphs a document uses.
    /// </summary>
    private sealed class EmbeddedFonts : IFontResolver
    {
        public static readonly EmbeddedFont[] All =
        [
            new(Family, "DejaVuSans", "BeatOrleans.Api.Purchasing.DejaVuSans.ttf"),
            new("Droid Sans Fallback", "DroidSansFallbackFull",
                "BeatOrleans.Api.Purchasing.DroidSansFallbackFull.ttf.gz"),
            new("NanumSquare", "NanumSquareR", "BeatOrleans.Api.Purchasing.NanumSquareR.ttf.gz"),
            new("Symbola", "Symbola", "BeatOrleans.Api.Purchasing.Symbola.ttf.gz"),
        ];

        public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic) =>
            new((All.FirstOrDefault(f => f.Family == familyName) ?? All[0]).Face, bold, italic);

        public byte[]? GetFont(string faceName) => All.FirstOrDefault(f => f.Face == faceName)?.Bytes.Value;
    }

    private sealed class EmbeddedFont
    {
        public EmbeddedFont(string family, string face, string resource)
        {
            (Family, Face) = (family, face);
            Bytes = new(() => Read(resource));
            Coverage = new(() => FontCoverage.Of(Bytes.Value));
        }

        public string Family { get; }

        public string Face { get; }

        public Lazy<byte[]> Bytes { get; }

        public Lazy<FontCoverage> Coverage { get; }

        private static byte[] Read(string name)
        {
            using var resource = typeof(LicenseAgreement).Assembly.GetManifestResourceStream(name)!;
            using Stream content = name.EndsWith(".gz", StringComparison.Ordinal)
                ? new System.IO.Compression.GZipStream(resource, System.IO.Compression.CompressionMode.Decompress)
                : resource;
            using var copy = new MemoryStream();
            content.CopyTo(copy);
            return copy.ToArray();
        }
    }
}
