using System.Net;

namespace BeatOrleans.Api.Tests.Catalog;

public sealed class MyBeatsTests(MarketplaceHost host) : IClassFixture<MarketplaceHost>
{
    private readonly HttpClient http = host.CreateClient();

    [Fact]
    public async Task A_producer_lists_their_own_beats_in_every_status_and_nobody_elses()
    {
        var producer = (await http.LogIn(await http.SignUp())).Token;
        var buyer = (await http.LogIn(await http.SignUp())).Token;
        var ready = await http.ReadyBeat(producer);
        var failed = await (await http.Upload(producer, Audio.Impostor(), "liar.wav")).Body(HttpStatusCode.Accepted);
        await http.WaitUntilProcessed(failed.Id());
        var sold = await http.ReadyBeat(producer);
        Assert.Equal("completed", (await http.BuyAndPay(buyer, sold.Id(), "exclusive")).Status());
        var deleted = await http.ReadyBeat(producer);
        await (await http.Send(HttpMethod.Delete, $"/api/beats/{deleted.Id()}/delete", producer))
            .Body(HttpStatusCode.OK);

        // Newest first; the sold and the failed beat too, which the catalogue search does not list; not the deleted.
        var mine = await (await http.Send(HttpMethod.Get, "/api/beats/mine", producer)).Body(HttpStatusCode.OK);
        var listed = mine["items"]!.AsArray().Select(b => b!).Select(b => (b.Str("beat_id"), b.Str("status"))).ToList();
        Assert.Equal([(sold.Id(), "sold"), (failed.Id(), "failed"), (ready.Id(), "ready")], listed);

        // Paged by the cursor it gives.
        var first = await (await http.Send(HttpMethod.Get, "/api/beats/mine?limit=2", producer))
            .Body(HttpStatusCode.OK);
        Assert.Equal(2, first["items"]!.AsArray().Count);
        var cursor = Uri.EscapeDataString(first.Str("next_cursor"));
        var second = await (await http.Send(HttpMethod.Get, $"/api/beats/mine?limit=2&cursor={cursor}", producer))
            .Body(HttpStatusCode.OK);
        Assert.Equal(ready.Id(), Assert.Single(second["items"]!.AsArray())!.Str("beat_id"));

        // Each caller sees their own list only; a visitor has none to see.
        var theirs = await (await http.Send(HttpMethod.Get, "/api/beats/mine", buyer)).Body(HttpStatusCode.OK);
        Assert.Empty(theirs["items"]!.AsArray());
        await (await http.GetAsync("/api/beats/mine")).Problem(HttpStatusCode.Unauthorized);
        await (await http.Send(HttpMethod.Get, "/api/beats/mine?cursor=t1.nope", producer))
            .Problem(HttpStatusCode.BadRequest);
    }
}
