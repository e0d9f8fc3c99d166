using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace BeatOrleans.Api.Tests.Catalog;

/// <summary>A beat's cover art: what a producer sends, what listeners are shown, and what is refused.</summary>
public sealed class CoverArtTests(MarketplaceHost host) : IClassFixture<MarketplaceHost>
{
    private readonly HttpClient http = host.CreateClient();

    private async Task<string> Token() => (await http.LogIn(await http.SignUp())).Token;

    private IReadOnlyList<string> CoverFiles(string beatId) =>
        [.. host.BeatFiles(beatId).Where(f => f.StartsWith("covers/", StringComparison.Ordinal))];

    /// <summary>Cover uploads left in the incoming folder (each goes once the cover is made or refused).</summary>
    private int IncomingCovers() => Directory.Exists(Path.Combine(host.BlobRoot, "incoming"))
        ? Directory.EnumerateFiles(Path.Combine(host.BlobRoot, "incoming"), "cover-*", SearchOption.AllDirectories)
            .Count()
        : 0;

    private async Task<byte[]> Fetch(string url)
    {
        using var response = await http.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/jpeg", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("public, max-age=31536000, immutable", response.Headers.CacheControl?.ToString());
        return await response.Content.ReadAsByteArrayAsync();
    }

    [Fact]
    public async Task A_producers_picture_becomes_a_square_cover_every_listing_shows_and_a_new_one_replaces_it()
    {
        var producer = await Token();
        var beat = (await http.ReadyBeat(producer)).Id();
        Assert.Null((await (await http.GetAsync($"/api/beats/{beat}")).Body(HttpStatusCode.OK))["cover_url"]);

        // A wide PNG: the centred square of its height, and a 300-pixel thumbnail.
        var set = await (await http.PutCover(producer, beat, await Images.Picture(1600, 900, "png")))
            .Body(HttpStatusCode.OK);
        var large = set.Str("cover_url");
        var small = set.Str("cover_thumbnail_url");
        Assert.Equal((900, 900), await Images.Size(await Fetch(large)));
        Assert.Equal((300, 300), await Images.Size(await Fetch(small)));

        var shown = await (await http.GetAsync($"/api/beats/{beat}")).Body(HttpStatusCode.OK);
        Assert.Equal(large, shown.Str("cover_url"));
        Assert.Equal(small, shown.Str("cover_thumbnail_url"));
        var mine = await (await http.Send(HttpMethod.Get, "/api/beats/mine", producer)).Body(HttpStatusCode.OK);
        Assert.Equal(large, mine["items"]!.AsArray().Single(b => b!.Str("beat_id") == beat)!.Str("cover_url"));
        var listed = await http.SearchUntil($"producer_id={shown.Str("producer_id")}",
            items => items.Any(b => b!["cover_url"]?.GetValue<string>() == large));
        Assert.Equal(small, listed.Single(b => b!.Str("beat_id") == beat)!.Str("cover_thumbnail_url"));

        // A camera JPEG carrying text (here a comment segment) where its location would be: the cover is written from
        // the pixels alone, at most 1000 pixels a side, at a new address. The old cover is still served for pages and
        // results read before (Catalog:ReplacedCoverRetention, 10 minutes here).
        var photo = await Images.JpegWithComment(1200, 1500, "GPS 52.5200N 13.4050E home");
        var replaced = await (await http.PutCover(producer, beat, photo, "image/jpeg")).Body(HttpStatusCode.OK);
        Assert.NotEqual(large, replaced.Str("cover_url"));
        var cover = await Fetch(replaced.Str("cover_url"));
        Assert.Equal((1000, 1000), await Images.Size(cover));
        Assert.DoesNotContain("52.5200N", Encoding.ASCII.GetString(cover), StringComparison.Ordinal);
        Assert.Equal((900, 900), await Images.Size(await Fetch(large)));
        Assert.Equal(4, CoverFiles(beat).Count);

        // A phone photo stored sideways, with its orientation in its EXIF data, is made upright.
        var sideways = await (await http.PutCover(producer, beat, await Images.SidewaysPhoto(), "image/jpeg"))
            .Body(HttpStatusCode.OK);
        var upright = await Fetch(sideways.Str("cover_url"));
        Assert.Equal((400, 400), await Images.Size(upright));
        Assert.InRange(await Images.Brightness(upright, 350, 50), 200, 255);
        Assert.InRange(await Images.Brightness(upright, 50, 350), 0, 55);

        // A 40-megapixel photo, just under the limit, is taken.
        var photo40 = await (await http.PutCover(producer, beat, await Images.Picture(6320, 6320, "jpg"), "image/jpeg"))
            .Body(HttpStatusCode.OK);
        Assert.Equal((1000, 1000), await Images.Size(await Fetch(photo40.Str("cover_url"))));

        // WebP works too; removing the cover leaves the beat without one and without any cover file, the replaced
        // ones still waiting included.
        await (await http.PutCover(producer, beat, await Images.Picture(400, 400, "webp"), "image/webp"))
            .Body(HttpStatusCode.OK);
        var removed = await (await http.Send(HttpMethod.Delete, $"/api/beats/{beat}/cover", producer))
            .Body(HttpStatusCode.OK);
        Assert.Null(removed["cover_url"]);
        Assert.Null((await (await http.GetAsync($"/api/beats/{beat}")).Body(HttpStatusCode.OK))["cover_url"]);
        Assert.Empty(CoverFiles(beat));
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(large)).StatusCode);
        Assert.Equal(0, IncomingCovers());
    }

    [Fact]
    public async Task A_cover_is_refused_to_anyone_but_the_producer_and_in_any_other_shape_storing_nothing()
    {
        var producer = await Token();
        var stranger = await Token();
        var beat = (await http.ReadyBeat(producer)).Id();
        var picture = await Images.Picture(640, 640, "png");

        await (await http.PutCover(null, beat, picture)).Problem(HttpStatusCode.Unauthorized);
        await (await http.PutCover(stranger, beat, picture)).Problem(HttpStatusCode.Forbidden);
        await (await http.Send(HttpMethod.Delete, $"/api/beats/{beat}/cover", stranger))
            .Problem(HttpStatusCode.Forbidden);
        await (await http.PutCover(producer, Guid.NewGuid().ToString("N"), picture)).Problem(HttpStatusCode.NotFound);
        await (await http.PutCover(producer, "not-an-id", picture)).Problem(HttpStatusCode.NotFound);

        // Judged by the bytes, not the declared type: audio called a PNG is refused, and so is a PNG sent as JSON.
        var audio = await File.ReadAllBytesAsync(await Audio.Tone(440, 1, "wav"));
        await (await http.PutCover(producer, beat, audio)).Problem(HttpStatusCode.UnsupportedMediaType);
        await (await http.PutCover(producer, beat, picture, "application/json"))
            .Problem(HttpStatusCode.UnsupportedMediaType);
        await (await http.PutCover(producer, beat, [], "image/png")).Problem(HttpStatusCode.BadRequest);

        // A PNG header on garbage, a picture too small, and one of 48 million pixels (a small file that would
        // decode into 190 MB) are read and refused with the reason.
        byte[] broken = [.. picture[..40], .. Enumerable.Repeat((byte)7, 5000)];
        var unreadable = await (await http.PutCover(producer, beat, broken))
            .Problem(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("not a readable PNG", unreadable.Str("detail"), StringComparison.Ordinal);
        var tiny = await (await http.PutCover(producer, beat, await Images.Picture(200, 150, "png")))
            .Problem(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("200 x 150", tiny.Str("detail"), StringComparison.Ordinal);
        var huge = await Images.Picture(8000, 6000, "png");
        Assert.True(huge.Length < 2_000_000);
        var bomb = await (await http.PutCover(producer, beat, huge)).Problem(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("far more than 40 million pixels", bomb.Str("detail"), StringComparison.Ordinal);
        // Just over the limit, the picture is measured and refused by its size.
        var over = await (await http.PutCover(producer, beat, await Images.Picture(6600, 6400, "png")))
            .Problem(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("6600 x 6400 pixels, more than 40 million", over.Str("detail"), StringComparison.Ordinal);

        // More than the limit of bytes (10 MiB) is refused as it streams in.
        await (await http.PutCover(producer, beat, [.. picture, .. new byte[(10 * 1024 * 1024) - picture.Length + 1]]))
            .Problem(HttpStatusCode.RequestEntityTooLarge);

        Assert.Empty(CoverFiles(beat));
        Assert.Equal(0, IncomingCovers());
        Assert.Null((await (await http.GetAsync($"/api/beats/{beat}")).Body(HttpStatusCode.OK))["cover_url"]);

        // Names of cover files no beat showed answer 404, whatever their shape.
        foreach (var name in new[] { $"{new string('a', 32)}-large.jpg", "../../etc/passwd", "x-large.jpg" })
        {
            var response = await http.GetAsync($"/api/beats/{beat}/cover/{Uri.EscapeDataString(name)}");
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        // A sold exclusive's page no longer changes.
        await (await http.PutCover(producer, beat, picture)).Body(HttpStatusCode.OK);
        Assert.Equal("completed", (await http.BuyAndPay(await Token(), beat, "exclusive")).Status());
        await (await http.PutCover(producer, beat, picture)).Problem(HttpStatusCode.Conflict);
        await (await http.Send(HttpMethod.Delete, $"/api/beats/{beat}/cover", producer))
            .Problem(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_deleted_beat_loses_its_cover_files_replaced_ones_too_and_a_beat_still_processing_can_have_one()
    {
        var producer = await Token();
        var wav = await File.ReadAllBytesAsync(await Audio.Tone(330, 3, "wav"));
        var processing = await (await http.Upload(producer, wav, "draft.wav")).Body(HttpStatusCode.Accepted);
        var picture = await Images.Picture(500, 500, "jpg");
        var set = await (await http.PutCover(producer, processing.Id(), picture, "image/jpeg")).Body(HttpStatusCode.OK);
        Assert.Equal((500, 500), await Images.Size(await Fetch(set.Str("cover_url"))));
        Assert.Equal(2, CoverFiles(processing.Id()).Count);
        var replaced = await (await http.PutCover(producer, processing.Id(), await Images.Picture(600, 600, "png")))
            .Body(HttpStatusCode.OK);
        Assert.Equal(4, CoverFiles(processing.Id()).Count);

        await (await http.Send(HttpMethod.Delete, $"/api/beats/{processing.Id()}/delete", producer))
            .Body(HttpStatusCode.OK);
        await Eventually.Holds(() => Task.FromResult(CoverFiles(processing.Id()).Count == 0), TimeSpan.FromSeconds(10),
            "the deleted beat's cover files were not removed");
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(set.Str("cover_url"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(replaced.Str("cover_url"))).StatusCode);
    }
}

/// <summary>Replaced covers are served six more seconds; beats sync every second.</summary>
public sealed class ShortCoverRetentionHost() : MarketplaceHost(new()
{
    ["Catalog:ReplacedCoverRetention"] = "00:00:06",
    ["Catalog:SyncPeriod"] = "00:00:01",
});

public sealed class ReplacedCoverTests(ShortCoverRetentionHost host) : IClassFixture<ShortCoverRetentionHost>
{
    private readonly HttpClient http = host.CreateClient();

    [Fact]
    public async Task A_replaced_cover_is_served_until_its_retention_ends_then_its_files_are_removed()
    {
        var producer = (await http.LogIn(await http.SignUp())).Token;
        var beat = (await http.ReadyBeat(producer)).Id();
        var first = await (await http.PutCover(producer, beat, await Images.Picture(500, 500, "png")))
            .Body(HttpStatusCode.OK);
        var second = await (await http.PutCover(producer, beat, await Images.Picture(700, 700, "png")))
            .Body(HttpStatusCode.OK);
        IReadOnlyList<string> Files() =>
            [.. host.BeatFiles(beat).Where(f => f.StartsWith("covers/", StringComparison.Ordinal))];
        Assert.Equal(4, Files().Count);

        // Kept through the syncs before its time (each a tick that finds it not due and keeps the reminder)...
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal(4, Files().Count);
        using (var old = await http.GetAsync(first.Str("cover_thumbnail_url")))
        {
            Assert.Equal(HttpStatusCode.OK, old.StatusCode);
        }

        // ...and gone at the first sync after it; the beat need not be active for it (the reminder wakes it).
        await Eventually.Holds(() => Task.FromResult(Files().Count == 2), TimeSpan.FromSeconds(30),
            "the replaced cover's files were not removed");
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(first.Str("cover_url"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(first.Str("cover_thumbnail_url"))).StatusCode);
        using var current = await http.GetAsync(second.Str("cover_url"));
        Assert.Equal(HttpStatusCode.OK, current.StatusCode);
        Assert.Equal((700, 700), await Images.Size(await current.Content.ReadAsByteArrayAsync()));
    }
}
