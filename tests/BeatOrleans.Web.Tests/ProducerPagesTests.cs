using BeatOrleans.Api.Tests;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BeatOrleans.Web.Tests;

[Collection(BrowserGroup.Name)]
public sealed class ProducerPagesTests(BrowserMarketplace marketplace)
{
    [Fact]
    public async Task Producer_signs_up_uploads_a_wav_with_progress_and_sees_it_turn_ready_live()
    {
        var page = await marketplace.NewPage();
        await page.SignUpInBrowser("producer");
        var wav = await Loops.Wav(8);
        var title = $"Night Drive {Guid.NewGuid():N}"[..20];

        await page.Link("Upload").ClickAsync();
        await page.Field("Audio file").SetInputFilesAsync(wav);
        await page.Field("Title").FillAsync(title);
        await page.Field("Genre").FillAsync("trap");
        await page.Field("BPM").FillAsync("140");
        await page.Field("Tags").FillAsync("dark, 808");
        await page.Button("Upload").ClickAsync();

        var progress = page.GetByRole(AriaRole.Progressbar, new() { Name = "Upload progress" });
        await Expect(progress).ToHaveAttributeAsync("value", "100");
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = title });
        await Expect(row).ToBeVisibleAsync();
        // Processing ends with the beat_ready notification, delivered live: the status turns without a reload.
        await Expect(row.GetByText("ready", new() { Exact = true })).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await marketplace.Screenshot(page, "upload");

        await page.Link("Your beats").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = title }).GetByText("ready", new() { Exact = true })).ToBeVisibleAsync();
        await marketplace.Screenshot(page, "your-beats");
    }

    [Fact]
    public async Task A_beat_that_is_not_ready_shows_its_uploaded_licences_for_editing_not_empty_ones()
    {
        var page = await marketplace.NewPage();
        var producer = await page.SignUpInBrowser("unready");
        var token = (await marketplace.Api.LogIn(producer)).Token;
        // A file that only looks like audio: the beat ends failed, never ready, and keeps the tiers it was sent with.
        var upload = await marketplace.Api.Upload(token, Audio.Impostor(), "liar.wav", new()
        {
            ["title"] = "Not ready",
            ["licenses"] = """[{"license_type":"mp3_lease","price":25},{"license_type":"exclusive","price":300}]""",
        });
        var beatId = (await upload.Body(System.Net.HttpStatusCode.Accepted)).Id();
        await marketplace.Api.WaitUntilProcessed(beatId);

        await page.GotoAsync($"/beats/{beatId}");
        await Expect(page.Locator("#edit-on-mp3_lease")).ToBeCheckedAsync();
        await Expect(page.Locator("#edit-on-exclusive")).ToBeCheckedAsync();
        await Expect(page.Locator("#edit-on-wav_lease")).Not.ToBeCheckedAsync();
        await Expect(page.GetByLabel("Exclusive price")).ToHaveValueAsync("300");

        // Saving one change keeps the other tier.
        await page.GetByLabel("MP3 lease price").FillAsync("19.5");
        await page.Button("Save licences").ClickAsync();
        await Expect(page.GetByText("Licences saved.")).ToBeVisibleAsync();
        var tiers = await (await marketplace.Api.GetAsync($"/api/beats/{beatId}")).Body(System.Net.HttpStatusCode.OK);
        Assert.Equal([("mp3_lease", 19.5m), ("exclusive", 300m)], tiers["licenses"]!.AsArray()
            .Select(t => (t!["license_type"]!.GetValue<string>(), t["price"]!.GetValue<decimal>())));

        // "Your beats" lists it though it was not uploaded in this browser and the catalogue lists ready beats only.
        await page.Link("Your beats").ClickAsync();
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Not ready" });
        await Expect(row.GetByText("failed", new() { Exact = true })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Producer_edits_the_licences_and_deletes_the_beat()
    {
        var page = await marketplace.NewPage();
        var producer = await page.SignUpInBrowser("editor");
        var (_, _, beatId, title) = await marketplace.Api.ProducerWithReadyBeat(producer);

        await page.GotoAsync($"/beats/{beatId}");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = title })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Checkbox, new() { Name = "Unlimited" }).CheckAsync();
        await page.Field("Unlimited price").FillAsync("150");
        await page.Button("Save licences").ClickAsync();
        await Expect(page.GetByText("Licences saved.")).ToBeVisibleAsync();
        // The licence panel above the editor shows the new tier at once, as a buyer will see it.
        await Expect(page.GetByRole(AriaRole.Group, new() { Name = "Choose a licence" }))
            .ToContainTextAsync("Unlimited $150.00");
        var licences = await (await marketplace.Api.GetAsync($"/api/beats/{beatId}/licenses")).Body(System.Net.HttpStatusCode.OK);
        Assert.Contains(licences["licenses"]!.AsArray(), l => l!.Text("license_type") == "unlimited" && l!["price"]!.GetValue<decimal>() == 150m);

        await page.Button("Delete beat").ClickAsync();
        await page.Button("Yes, delete it").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your beats" })).ToBeVisibleAsync();
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await marketplace.Api.GetAsync($"/api/beats/{beatId}")).StatusCode);
    }

    [Fact]
    public async Task Producer_corrects_the_title_key_and_tags_and_the_page_shows_them()
    {
        var page = await marketplace.NewPage();
        var producer = await page.SignUpInBrowser("fixer");
        var (_, _, beatId, title) = await marketplace.Api.ProducerWithReadyBeat(producer);

        await page.GotoAsync($"/beats/{beatId}");
        await Expect(page.Field("Title")).ToHaveValueAsync(title);
        var renamed = $"{title} (v2)";
        await page.Field("Title").FillAsync(renamed);
        await page.Field("Key").FillAsync("F minor");
        await page.Field("Tags").FillAsync("lofi, night");
        await page.Button("Save details").ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = renamed })).ToBeVisibleAsync();
        await Expect(page.Locator(".beat-head .meta")).ToContainTextAsync("Fm");
        await Expect(page.GetByRole(AriaRole.List, new() { Name = "Beat tags" })).ToHaveTextAsync("lofinight");
        var beat = await (await marketplace.Api.GetAsync($"/api/beats/{beatId}")).Body(System.Net.HttpStatusCode.OK);
        Assert.Equal(renamed, beat.Text("title"));

        // A title left empty is refused in place, and nothing is saved.
        await page.Field("Title").FillAsync(" ");
        await page.Button("Save details").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("title");
        Assert.Equal(renamed, (await (await marketplace.Api.GetAsync($"/api/beats/{beatId}"))
            .Body(System.Net.HttpStatusCode.OK)).Text("title"));
    }

    [Fact]
    public async Task A_producer_sends_stems_after_the_upload_and_then_offers_the_trackout()
    {
        var page = await marketplace.NewPage();
        var producer = await page.SignUpInBrowser("stems");
        var (_, _, beatId, _) = await marketplace.Api.ProducerWithReadyBeat(producer);
        await page.GotoAsync($"/beats/{beatId}");

        // Without stems the trackout is refused, in the page's words.
        await page.GetByRole(AriaRole.Checkbox, new() { Name = "Trackout" }).CheckAsync();
        await page.Field("Trackout price").FillAsync("80");
        await page.Button("Save licences").ClickAsync();
        var refusal = page.GetByText("The Trackout licence delivers stems: add them first");
        await Expect(refusal).ToBeVisibleAsync();

        await page.Field("Stems file").SetInputFilesAsync(
            new FilePayload { Name = "stems.zip", MimeType = "application/zip", Buffer = Stems.Zip() });
        await page.Button("Upload stems").ClickAsync();
        await Expect(page.GetByText("Stems saved (")).ToBeVisibleAsync();
        // The refusal for want of stems no longer stands.
        await Expect(refusal).ToBeHiddenAsync();

        await page.Button("Save licences").ClickAsync();
        await Expect(page.GetByText("Licences saved.")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Group, new() { Name = "Choose a licence" }))
            .ToContainTextAsync("Trackout $80.00");
        var licences = await (await marketplace.Api.GetAsync($"/api/beats/{beatId}/licenses"))
            .Body(System.Net.HttpStatusCode.OK);
        var trackout = licences["licenses"]!.AsArray().Single(l => l!.Text("license_type") == "trackout")!;
        Assert.Contains("stems", trackout["deliverables"]!.AsArray().Select(d => d!.GetValue<string>()));
    }

    [Fact]
    public async Task A_producer_gives_a_beat_cover_art_that_its_page_and_the_catalogue_show()
    {
        var page = await marketplace.NewPage();
        var producer = await page.SignUpInBrowser("cover");
        var (_, tokens, beatId, title) = await marketplace.Api.ProducerWithReadyBeat(producer);
        await page.GotoAsync($"/beats/{beatId}");

        await page.Field("Image").SetInputFilesAsync(new FilePayload
        {
            Name = "artwork.png", MimeType = "image/png", Buffer = await Images.Picture(1200, 800, "png"),
        });
        await page.Button("Upload cover").ClickAsync();
        // Shown as a decoded picture (the page's Content-Security-Policy lets it load), cropped to a square.
        var cover = page.GetByRole(AriaRole.Img, new() { Name = $"Cover art of {title}" });
        await Expect(cover).ToBeVisibleAsync();
        Assert.Equal(800, await cover.EvaluateAsync<int>("img => img.complete ? img.naturalWidth : -1"));
        await page.EvaluateAsync("window.scrollTo(0, 0)");
        await marketplace.Screenshot(page, "beat-cover");

        // The catalogue card shows the thumbnail, once the search lists the change.
        await marketplace.Api.SearchUntil($"producer_id={tokens.UserId}",
            items => items.Any(b => b!["cover_thumbnail_url"]?.GetValue<string>() is not null));
        await page.GotoAsync($"/?producer_id={tokens.UserId}");
        var card = page.Locator("li.beat-card").Filter(new() { HasText = title });
        var thumbnail = card.Locator("img.cover");
        await Expect(thumbnail).ToBeVisibleAsync();
        await Eventually.Holds(async () =>
            await thumbnail.EvaluateAsync<int>("img => img.complete ? img.naturalWidth : -1") == 300);

        // Removed: the page has no picture.
        await page.GotoAsync($"/beats/{beatId}");
        await page.Button("Remove cover").ClickAsync();
        await Expect(cover).ToBeHiddenAsync();
        await Expect(page.Button("Upload cover")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Producer_sees_the_sales_with_totals_per_currency()
    {
        var page = await marketplace.NewPage();
        var producer = await page.SignUpInBrowser("seller");
        var (_, tokens, beatId, title) = await marketplace.Api.ProducerWithReadyBeat(producer);
        var buyer = await marketplace.Api.LogIn(await marketplace.Api.SignUp(ApiClient.UniqueName("buyer")));
        var purchase = await marketplace.Api.PostJson("/api/purchases", buyer.Token, new { beat_id = beatId, license_type = "wav_lease" }, System.Net.HttpStatusCode.Created);
        await marketplace.Api.PostJson($"/api/purchases/{purchase.Text("purchase_id")}/confirm", buyer.Token, new { payment_method = "pm_card_visa" }, System.Net.HttpStatusCode.OK);

        // The producer's ledger follows the purchase's events: wait until it shows the sale, as the page reads it.
        await Eventually.Holds(async () => (await (await marketplace.Api.Send(HttpMethod.Get, "/api/sales", tokens.Token)).Body(System.Net.HttpStatusCode.OK))["sales"]!.AsArray().Count == 1);
        await page.Link("Sales").ClickAsync();
        await Expect(page.GetByRole(AriaRole.List, new() { Name = "Totals" })).ToContainTextAsync("$49.99 from 1 sale");
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = title })).ToContainTextAsync("WAV lease");
        await marketplace.Screenshot(page, "sales");

        // A sale made while the page is open shows without a reload.
        var second = await marketplace.Api.PostJson("/api/purchases", buyer.Token,
            new { beat_id = beatId, license_type = "wav_lease" }, System.Net.HttpStatusCode.Created);
        await marketplace.Api.PostJson($"/api/purchases/{second.Text("purchase_id")}/confirm", buyer.Token,
            new { payment_method = "pm_card_visa" }, System.Net.HttpStatusCode.OK);
        var totals = page.GetByRole(AriaRole.List, new() { Name = "Totals" });
        await Expect(totals).ToContainTextAsync("$99.98 from 2 sales");
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = title })).ToHaveCountAsync(2);
    }
}
