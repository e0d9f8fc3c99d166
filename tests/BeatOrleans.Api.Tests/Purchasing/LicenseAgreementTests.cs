using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace BeatOrleans.Api.Tests.Purchasing;

public sealed class LicenseAgreementTests(MarketplaceHost host) : IClassFixture<MarketplaceHost>
{
    private readonly HttpClient http = host.CreateClient();

    /// <summary>The PDF's text as poppler's pdftotext reads it (scripts/test.sh installs poppler-utils).</summary>
    private async Task<string> Text(byte[] pdf)
    {
        var file = Path.Combine(host.DataDirectory, $"{Guid.NewGuid():N}.pdf");
        await File.WriteAllBytesAsync(file, pdf);
        using var process = Process.Start(new ProcessStartInfo("pdftotext", ["-layout", file, "-"]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var text = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(0, process.ExitCode);
        return text;
    }

    [Fact]
    public async Task The_agreement_names_the_parties_the_terms_as_sold_and_the_price_and_is_the_same_document_every_time()
    {
        var producerAccount = await http.SignUp();
        var buyerAccount = await http.SignUp();
        var producer = (await http.LogIn(producerAccount)).Token;
        var buyer = (await http.LogIn(buyerAccount)).Token;
        var stranger = (await http.LogIn(await http.SignUp())).Token;
        var beat = await http.ReadyBeat(producer, new() { ["title"] = "Agreement Beat", ["bpm"] = "142", ["key"] = "C# minor" });
        var code = $"PDF{Guid.NewGuid():N}"[..12].ToUpperInvariant();
        await (await http.CreateCoupon(producer, new { code, percent_off = 10 })).Body(HttpStatusCode.Created);

        var pending = await (await http.BuyWith(buyer, beat.Id(), "wav_lease", coupon: code)).Body(HttpStatusCode.Created);
        var path = $"/api/purchases/{pending.PurchaseId()}/license.pdf";
        await (await http.Send(HttpMethod.Get, path, buyer)).Problem(HttpStatusCode.Conflict);
        var purchase = await (await http.Confirm(buyer, pending.PurchaseId())).Body(HttpStatusCode.OK);
        Assert.Equal(path, purchase.Str("license_agreement_url"));
        // A later change of the tier's price changes nothing in what was sold.
        await (await http.Send(HttpMethod.Put, $"/api/beats/{beat.Id()}/licenses", producer, new { licenses = new[] { new { license_type = "wav_lease", price = 99 } } }))
            .Body(HttpStatusCode.OK);

        var response = await http.Send(HttpMethod.Get, path, buyer);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType!.MediaType);
        var pdf = await response.Content.ReadAsByteArrayAsync();
        Assert.StartsWith("%PDF-", System.Text.Encoding.ASCII.GetString(pdf, 0, 5), StringComparison.Ordinal);
        var forProducer = await (await http.Send(HttpMethod.Get, path, producer)).Content.ReadAsByteArrayAsync();
        Assert.Equal(pdf, forProducer);
        // Renamed parties: the agreement still names them as they were at the sale.
        foreach (var token in new[] { buyer, producer })
        {
            var renamed = new { username = $"renamed{Guid.NewGuid():N}"[..20] };
            var update = await http.Send(HttpMethod.Put, "/api/users/profile/update", token, renamed);
            await update.Body(HttpStatusCode.OK);
        }

        Assert.Equal(pdf, await (await http.Send(HttpMethod.Get, path, buyer)).Content.ReadAsByteArrayAsync());
        await (await http.Send(HttpMethod.Get, path, stranger)).Problem(HttpStatusCode.NotFound);
        await (await http.Send(HttpMethod.Get, "/api/purchases/0123456789abcdef0123456789abcdef/license.pdf", buyer)).Problem(HttpStatusCode.NotFound);
        await (await http.Send(HttpMethod.Get, path, null)).Problem(HttpStatusCode.Unauthorized);

        var text = await Text(pdf);
        Assert.Contains(producerAccount.Username, text, StringComparison.Ordinal);
        Assert.Contains(buyerAccount.Username, text, StringComparison.Ordinal);
        Assert.Contains("Agreement Beat", text, StringComparison.Ordinal);
        Assert.Contains(beat.Id(), text, StringComparison.Ordinal);
        Assert.Contains("BPM: 142", text, StringComparison.Ordinal);
        Assert.Contains("Key: C#m", text, StringComparison.Ordinal);
        Assert.Contains("Licence: WAV lease (wav_lease)", text, StringComparison.Ordinal);
        Assert.Contains("Distribution copies: 10,000", text, StringComparison.Ordinal);
        Assert.Contains("Audio streams: 250,000", text, StringComparison.Ordinal);
        Assert.Contains("Radio stations: 2", text, StringComparison.Ordinal);
        Assert.Contains("Files delivered: mp3, wav (no stems)", text, StringComparison.Ordinal);
        Assert.Contains("Exclusive rights: no", text, StringComparison.Ordinal);
        Assert.Contains("List price: 49.99 USD", text, StringComparison.Ordinal);
        Assert.Contains($"Discount (coupon {code}): 5.00 USD", text, StringComparison.Ordinal);
        Assert.Contains("Price paid: 44.99 USD", text, StringComparison.Ordinal);
        Assert.Contains(pending.PurchaseId(), text, StringComparison.Ordinal);
        Assert.Contains(purchase["completed_at"]!.GetValue<DateTimeOffset>().UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), text, StringComparison.Ordinal);
        Assert.Contains($"Prod. by {producerAccount.Username}", text, StringComparison.Ordinal);

        // The download answer lists the agreement beside the audio files; its signed URL serves the same document.
        var download = await (await http.Send(HttpMethod.Get, $"/api/purchases/{pending.PurchaseId()}/download", buyer)).Body(HttpStatusCode.OK);
        var files = download["files"]!.AsArray().ToDictionary(f => f!.Str("name"), f => f!);
        Assert.Equal(["license_agreement", "mp3", "wav"], files.Keys.Order());
        Assert.Equal("pdf", files["license_agreement"].Str("format"));
        Assert.Equal(pdf.LongLength, files["license_agreement"]["bytes"]!.GetValue<long>());
        var signed = await http.GetAsync(files["license_agreement"].Str("url"));
        Assert.Equal(pdf, await signed.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task An_exclusive_agreement_states_exclusive_rights_stems_and_unlimited_caps()
    {
        var producerAccount = await http.SignUp();
        var producer = (await http.LogIn(producerAccount)).Token;
        var buyer = (await http.LogIn(await http.SignUp())).Token;
        var beat = await http.ReadyBeat(producer, new() { ["title"] = "Only Once" }, stems: Stems.Zip());
        var purchase = await http.BuyAndPay(buyer, beat.Id(), "exclusive");

        var text = await Text(await (await http.Send(HttpMethod.Get, $"/api/purchases/{purchase.PurchaseId()}/license.pdf", producer)).Content.ReadAsByteArrayAsync());
        Assert.Contains("Exclusive rights: yes", text, StringComparison.Ordinal);
        Assert.Contains("stems included", text, StringComparison.Ordinal);
        Assert.Contains("Distribution copies: unlimited", text, StringComparison.Ordinal);
        Assert.Contains("Price paid: 499.99 USD", text, StringComparison.Ordinal);
        Assert.DoesNotContain("List price", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_title_in_japanese_and_korean_is_written_legibly_beside_latin_text()
    {
        const string title = "夜の音 Ünïcödé 밤의 소리 🔥";
        var purchase = new Contracts.Purchasing.Purchase("0123456789abcdef0123456789abcdee", "b", "p", "beat", title,
            "wav_lease", 4999, "USD", Contracts.Purchasing.PurchaseStatus.Completed,
            Contracts.Purchasing.LicenseCatalog.For("wav_lease", false), new("simulated", "pay_1", null),
            new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
            new DateTimeOffset(2026, 1, 2, 3, 4, 6, TimeSpan.Zero), null, null, []);
        var pdf = Api.Purchasing.LicenseAgreement.Render(purchase, "プロデューサー", "buyer");

        // Every character as it was sold (the text poppler reads back is the title), and the fonts that have the
        // glyphs embedded: the Latin text's, the Japanese, the Korean and the emoji's (subsets, so the file stays
        // small).
        var text = await Text(pdf);
        // (The emoji is drawn, but PDFsharp maps a glyph outside the BMP back to a wrong character for copying.)
        Assert.Matches($"Title: +{title[..^3]}", text);
        Assert.Contains("プロデューサー", text, StringComparison.Ordinal);
        var file = Path.Combine(host.DataDirectory, $"{Guid.NewGuid():N}.pdf");
        await File.WriteAllBytesAsync(file, pdf);
        using var process = Process.Start(new ProcessStartInfo("pdffonts", [file]) { RedirectStandardOutput = true })!;
        var fonts = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Contains("DejaVu Sans", fonts, StringComparison.Ordinal);
        Assert.Contains("Droid Sans Fallback", fonts, StringComparison.Ordinal);
        Assert.Contains("NanumSquare", fonts, StringComparison.Ordinal);
        Assert.Contains("Symbola", fonts, StringComparison.Ordinal);
        Assert.InRange(pdf.Length, 1_000, 200_000);
    }
}

public sealed class LicenseAgreementRenderingTests
{
    [Fact]
    public void The_same_purchase_renders_the_same_bytes_with_its_completion_as_the_document_date()
    {
        var purchase = new Contracts.Purchasing.Purchase("0123456789abcdef0123456789abcdef", "b", "p", "beat", "Title", "wav_lease", 4999, "USD",
            Contracts.Purchasing.PurchaseStatus.Completed, Contracts.Purchasing.LicenseCatalog.For("wav_lease", false), new("simulated", "pay_1", null),
            new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), new DateTimeOffset(2026, 1, 2, 3, 4, 6, TimeSpan.Zero), null, null, []);

        var first = Api.Purchasing.LicenseAgreement.Render(purchase, "producer", "buyer");
        var second = Api.Purchasing.LicenseAgreement.Render(purchase, "producer", "buyer");

        Assert.Equal(first, second);
        var raw = System.Text.Encoding.Latin1.GetString(first);
        Assert.Contains("/CreationDate(D:20260102030406", raw, StringComparison.Ordinal);
        Assert.Contains("<xmp:CreateDate>2026-01-02T03:04:06Z</xmp:CreateDate>", raw, StringComparison.Ordinal);
        Assert.NotEqual(first, Api.Purchasing.LicenseAgreement.Render(purchase with { PurchaseId = "1123456789abcdef0123456789abcdef" }, "producer", "buyer"));
    }

    [Fact]
    public async Task A_title_without_spaces_wraps_inside_the_page_and_every_character_of_it_is_there()
    {
        var title = string.Concat(Enumerable.Repeat("Midnight", 15));
        var purchase = new Contracts.Purchasing.Purchase("0123456789abcdef0123456789abcdef", "b", "p", "beat", title,
            "wav_lease", 4999, "USD", Contracts.Purchasing.PurchaseStatus.Completed,
            Contracts.Purchasing.LicenseCatalog.For("wav_lease", false), new("simulated", "pay_1", null),
            new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
            new DateTimeOffset(2026, 1, 2, 3, 4, 6, TimeSpan.Zero), null, null, []);
        var file = Path.Combine(Path.GetTempPath(), $"agreement-{Guid.NewGuid():N}.pdf");
        await File.WriteAllBytesAsync(file, Api.Purchasing.LicenseAgreement.Render(purchase, "producer", "buyer"));
        try
        {
            // Every word's box as poppler lays out the page: none may reach into the right margin (56 pt).
            using var process = Process.Start(new ProcessStartInfo("pdftotext", ["-bbox", file, "-"])
            {
                RedirectStandardOutput = true,
            })!;
            var html = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.Equal(0, process.ExitCode);
            var pageWidth = Number(Regex.Match(html, "<page width=\"([0-9.]+)\"").Groups[1].Value);
            var words = Regex.Matches(html, "<word [^>]*xMax=\"([0-9.]+)\"[^>]*>([^<]*)</word>")
                .Select(m => (Right: Number(m.Groups[1].Value), Text: m.Groups[2].Value)).ToList();
            Assert.NotEmpty(words);
            Assert.All(words, w => Assert.True(w.Right <= pageWidth - 56 + 1, $"'{w.Text}' ends at {w.Right} of "
                + $"{pageWidth}"));

            // The title's pieces, from "Title:" to the next line's "Beat id:", are the whole title.
            var pieces = words.SkipWhile(w => w.Text != "Title:").Skip(1).TakeWhile(w => w.Text != "Beat").ToList();
            Assert.True(pieces.Count > 1, "the title was not broken");
            Assert.Equal(title, string.Concat(pieces.Select(w => w.Text)));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task An_offer_that_did_not_lower_the_price_is_not_called_the_agreed_price()
    {
        var sold = new Contracts.Purchasing.Purchase("0123456789abcdef0123456789abcdef", "b", "p", "beat", "Title",
            "mp3_lease", 5000, "USD", Contracts.Purchasing.PurchaseStatus.Completed,
            Contracts.Purchasing.LicenseCatalog.For("mp3_lease", false), new("simulated", "pay_1", null),
            new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
            new DateTimeOffset(2026, 1, 2, 3, 4, 6, TimeSpan.Zero), null, null, []);
        var atList = sold with { Pricing = new(5000, 0, null, "offer1") };
        var atOffer = sold with { AmountMinor = 4000, Pricing = new(5000, 1000, null, "offer1") };

        var listText = await PdfText(Api.Purchasing.LicenseAgreement.Render(atList, "producer", "buyer"));
        Assert.Contains("Accepted offer offer1: not below the list price, so the list price applies.", listText,
            StringComparison.Ordinal);
        Assert.DoesNotContain("Agreed price", listText, StringComparison.Ordinal);
        Assert.Contains("Price paid: 50.00 USD", listText, StringComparison.Ordinal);
        var offerText = await PdfText(Api.Purchasing.LicenseAgreement.Render(atOffer, "producer", "buyer"));
        Assert.Contains("Agreed price (accepted offer offer1): 40.00 USD", offerText, StringComparison.Ordinal);
    }

    private static async Task<string> PdfText(byte[] pdf)
    {
        var file = Path.Combine(Path.GetTempPath(), $"agreement-{Guid.NewGuid():N}.pdf");
        await File.WriteAllBytesAsync(file, pdf);
        try
        {
            var start = new ProcessStartInfo("pdftotext", [file, "-"]) { RedirectStandardOutput = true };
            using var process = Process.Start(start)!;
            var text = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.Equal(0, process.ExitCode);
            return text;
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static double Number(string text) => double.Parse(text, CultureInfo.InvariantCulture);
}
