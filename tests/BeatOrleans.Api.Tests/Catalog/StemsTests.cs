using System.Net;
using System.Text.Json.Nodes;

namespace BeatOrleans.Api.Tests.Catalog;

/// <summary>Stems a producer sends after the upload: what they allow, who gets which, and what is refused.</summary>
public sealed class StemsTests(MarketplaceHost host) : IClassFixture<MarketplaceHost>
{
    private readonly HttpClient http = host.CreateClient();

    private async Task<string> Token() => (await http.LogIn(await http.SignUp())).Token;

    private static object Trackout(decimal price) =>
        new { licenses = new[] { new { license_type = "trackout", price } } };

    private async Task<byte[]> Downloaded(string token, string purchaseId)
    {
        var download = await (await http.Send(HttpMethod.Get, $"/api/purchases/{purchaseId}/download", token))
            .Body(HttpStatusCode.OK);
        var stems = download["files"]!.AsArray().Single(f => f!.Str("name") == "stems")!;
        return await (await http.GetAsync(stems.Str("url"))).Content.ReadAsByteArrayAsync();
    }

    [Fact]
    public async Task Stems_sent_after_the_upload_let_the_producer_offer_trackout_and_reach_its_buyers()
    {
        var producer = await Token();
        var beat = (await http.ReadyBeat(producer)).Id();
        // Without stems, a trackout cannot be offered.
        await (await http.Send(HttpMethod.Put, $"/api/beats/{beat}/licenses", producer, Trackout(80)))
            .Problem(HttpStatusCode.BadRequest);

        var first = Stems.Zip("first");
        var sent = await (await http.PutStems(producer, beat, first)).Body(HttpStatusCode.OK);
        Assert.Equal(first.LongLength, sent["bytes"]!.GetValue<long>());
        // The tiers on offer that deliver stems when the beat has them say so at once.
        var unlimited = sent["licenses"]!.AsArray().Single(l => l!.Str("license_type") == "unlimited")!;
        Assert.Equal(["mp3", "wav", "stems"], unlimited["deliverables"]!.AsArray().Select(d => d!.GetValue<string>()));
        await (await http.Send(HttpMethod.Put, $"/api/beats/{beat}/licenses", producer, Trackout(80)))
            .Body(HttpStatusCode.OK);

        var early = await Token();
        var earlyPurchase = (await http.BuyAndPay(early, beat, "trackout")).PurchaseId();
        Assert.Equal(first, await Downloaded(early, earlyPurchase));

        // Replaced: buyers from now on get the new stems; the buyer before keeps the stems they licensed.
        var second = Stems.Zip("second");
        await (await http.PutStems(producer, beat, second)).Body(HttpStatusCode.OK);
        var late = await Token();
        var latePurchase = (await http.BuyAndPay(late, beat, "trackout")).PurchaseId();
        Assert.Equal(second, await Downloaded(late, latePurchase));
        Assert.Equal(first, await Downloaded(early, earlyPurchase));
        Assert.Equal(2, host.BeatFiles(beat).Count(f => f.StartsWith($"stems/{beat}/", StringComparison.Ordinal)));

        // An order placed before a replacement and paid after it delivers the stems as they are at payment.
        var third = Stems.Zip("third");
        var placedBefore = await Token();
        var order = (await (await http.Buy(placedBefore, beat, "trackout")).Body(HttpStatusCode.Created)).PurchaseId();
        await (await http.PutStems(producer, beat, third)).Body(HttpStatusCode.OK);
        await (await http.Confirm(placedBefore, order)).Body(HttpStatusCode.OK);
        Assert.Equal(third, await Downloaded(placedBefore, order));
    }

    [Fact]
    public async Task Stems_are_refused_to_anyone_but_the_producer_and_in_any_other_shape_storing_nothing()
    {
        var producer = await Token();
        var stranger = await Token();
        var beat = (await http.ReadyBeat(producer)).Id();
        var before = host.BeatFiles(beat);

        await (await http.PutStems(null, beat, Stems.Zip("anonymous"))).Problem(HttpStatusCode.Unauthorized);
        await (await http.PutStems(stranger, beat, Stems.Zip("stranger"))).Problem(HttpStatusCode.Forbidden);
        await (await http.PutStems(producer, Guid.NewGuid().ToString("N"), Stems.Zip("nobody")))
            .Problem(HttpStatusCode.NotFound);
        await (await http.PutStems(producer, "not-an-id", Stems.Zip("nobody"))).Problem(HttpStatusCode.NotFound);
        // Judged by the bytes: a "zip" that is audio is not stems.
        await (await http.PutStems(producer, beat, await File.ReadAllBytesAsync(await Audio.Tone(440, 1, "wav"))))
            .Problem(HttpStatusCode.UnsupportedMediaType);
        await (await http.PutStems(producer, beat, Stems.Zip("misnamed"), part: "archive"))
            .Problem(HttpStatusCode.BadRequest);
        using (var fieldsOnly = new HttpRequestMessage(HttpMethod.Put, $"/api/beats/{beat}/stems"))
        {
            fieldsOnly.Headers.Authorization = new("Bearer", producer);
            fieldsOnly.Content = new MultipartFormDataContent { { new StringContent("drums"), "note" } };
            var missing = await (await http.SendAsync(fieldsOnly)).Problem(HttpStatusCode.BadRequest);
            Assert.True(missing["errors"]!.AsObject().ContainsKey("stems"));
        }

        await (await http.PutStems(producer, beat, Stems.Zip("as audio"), part: "file")).Problem(HttpStatusCode.BadRequest);
        await (await http.Send(HttpMethod.Put, $"/api/beats/{beat}/stems", producer, new { stems = "x" }))
            .Problem(HttpStatusCode.UnsupportedMediaType);
        Assert.Equal(before, host.BeatFiles(beat));

        // A sold exclusive takes no stems either.
        var buyer = await Token();
        Assert.Equal("completed", (await http.BuyAndPay(buyer, beat, "exclusive")).Status());
        await (await http.PutStems(producer, beat, Stems.Zip("too late"))).Problem(HttpStatusCode.Conflict);
        Assert.DoesNotContain(host.BeatFiles(beat), f => f.StartsWith("stems/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_beat_keeps_a_bounded_number_of_replaced_stems()
    {
        var producer = await Token();
        var beat = (await http.ReadyBeat(producer, stems: Stems.Zip("with the upload"))).Id();
        for (var i = 0; i < 5; i++)
        {
            await (await http.PutStems(producer, beat, Stems.Zip($"fix {i}"))).Body(HttpStatusCode.OK);
        }

        var refused = await (await http.PutStems(producer, beat, Stems.Zip("one too many"))).Problem(HttpStatusCode.Conflict);
        Assert.Contains("at most 5", refused.Str("detail"), StringComparison.Ordinal);
        // The refused upload is not kept: the upload's stems and five replacements.
        Assert.Equal(6, host.BeatFiles(beat).Count(f => f.StartsWith("stems/", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_deleted_beat_that_sold_nothing_loses_every_stems_file_it_was_sent()
    {
        var producer = await Token();
        var beat = (await http.ReadyBeat(producer, stems: Stems.Zip("with the upload"))).Id();
        await (await http.PutStems(producer, beat, Stems.Zip("first fix"))).Body(HttpStatusCode.OK);
        await (await http.PutStems(producer, beat, Stems.Zip("second fix"))).Body(HttpStatusCode.OK);
        Assert.Equal(3, host.BeatFiles(beat).Count(f => f.StartsWith("stems/", StringComparison.Ordinal)));

        await (await http.Send(HttpMethod.Delete, $"/api/beats/{beat}/delete", producer)).Body(HttpStatusCode.OK);
        Assert.Empty(host.BeatFiles(beat));
    }

    [Fact]
    public async Task A_deleted_beat_that_sold_only_mp3_leases_keeps_the_mp3_and_loses_the_wav_and_the_stems()
    {
        var producer = await Token();
        var beat = (await http.ReadyBeat(producer, stems: Stems.Zip("with the upload"))).Id();
        await (await http.PutStems(producer, beat, Stems.Zip("a fix"))).Body(HttpStatusCode.OK);
        var buyer = await Token();
        var bought = (await http.BuyAndPay(buyer, beat, "mp3_lease")).PurchaseId();

        await (await http.Send(HttpMethod.Delete, $"/api/beats/{beat}/delete", producer)).Body(HttpStatusCode.OK);

        // The MP3 lease delivers the MP3 only: that stays for its buyer, and still downloads.
        Assert.Equal([$"deliverables/{beat}/untagged-320k.mp3"], host.BeatFiles(beat));
        var download = await (await http.Send(HttpMethod.Get, $"/api/purchases/{bought}/download", buyer))
            .Body(HttpStatusCode.OK);
        var mp3 = download["files"]!.AsArray().Single(f => f!.Str("name") == "mp3")!;
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(mp3.Str("url"))).StatusCode);
    }
}
