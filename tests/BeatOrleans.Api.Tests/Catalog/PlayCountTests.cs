using System.Net;
using Microsoft.Extensions.DependencyInjection;

namespace BeatOrleans.Api.Tests.Catalog;

/// <summary>A host whose market clock the test moves (the repeat-play window runs on it).</summary>
public sealed class PlayClockHost() : MarketplaceHost(
    new() { ["Catalog:MaxListenersPerAddress"] = "4" },
    services => services.AddKeyedSingleton<TimeProvider>(Contracts.Clocks.Market, Clock))
{
    public static readonly Purchasing.MarketClock Clock = new();
}

public sealed class PlayCountTests(PlayClockHost host) : IClassFixture<PlayClockHost>
{
    private readonly HttpClient http = host.CreateClient();

    private async Task<long> Plays(string beatId) =>
        (await (await http.GetAsync($"/api/beats/{beatId}")).Body<BeatView>(HttpStatusCode.OK)).Plays;

    private async Task Play(string beatId, string? token = null) =>
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(await http.StreamUrl(beatId, token))).StatusCode);

    [Fact]
    public async Task A_listener_counts_once_an_hour_and_one_address_at_most_four_listeners_an_hour()
    {
        var producer = await http.LogIn(await http.SignUp());
        var word = $"w{Guid.NewGuid():N}"[..12];
        var beat = await http.UploadBeat(producer.Token, await Audio.Tone(330, 2, "wav"),
            new() { ["title"] = $"{word} loop" });
        await http.WaitUntilProcessed(beat.Id());
        var (ana, ben) = (await http.LogIn(await http.SignUp()), await http.LogIn(await http.SignUp()));
        var (cid, dan) = (await http.LogIn(await http.SignUp()), await http.LogIn(await http.SignUp()));

        // An anonymous listener (this client's address) fetching fresh stream URLs in a loop is one play.
        for (var i = 0; i < 5; i++)
        {
            await Play(beat.Id());
        }

        Assert.Equal(1, await Plays(beat.Id()));

        // Signed in, the listener is the user: Ana and Ben are a play each, once. The producer's own plays are none.
        await Play(beat.Id(), ana.Token);
        await Play(beat.Id(), ana.Token);
        await Play(beat.Id(), ben.Token);
        await Play(beat.Id(), producer.Token);
        Assert.Equal(3, await Plays(beat.Id()));

        // A URL given to one listener is not another's: its listener is signed into it.
        var anas = await http.StreamUrl(beat.Id(), ana.Token);
        var cids = await http.StreamUrl(beat.Id(), cid.Token);
        var forged = anas.Replace(Query(anas, "listener"), Query(cids, "listener"), StringComparison.Ordinal);
        await (await http.GetAsync(forged)).Problem(HttpStatusCode.Forbidden);

        // One address is at most four listeners an hour here (Catalog:MaxListenersPerAddress): a loop of new accounts
        // from it is not popularity.
        await Play(beat.Id(), cid.Token);
        await Play(beat.Id(), dan.Token);
        Assert.Equal(4, await Plays(beat.Id()));

        // An hour later each listener counts again; within it, nobody does.
        PlayClockHost.Clock.Advance(TimeSpan.FromMinutes(59));
        await Play(beat.Id(), ana.Token);
        await Play(beat.Id());
        Assert.Equal(4, await Plays(beat.Id()));
        PlayClockHost.Clock.Advance(TimeSpan.FromMinutes(2));
        await Play(beat.Id(), ana.Token);
        await Play(beat.Id());
        await Play(beat.Id(), dan.Token);
        Assert.Equal(7, await Plays(beat.Id()));

        // The catalogue's popular sort ranks by the counted plays, not by the URLs asked for.
        await http.SearchUntil($"q={word}&sort=popular",
            items => items.Count == 1 && items[0]!["plays"]!.GetValue<long>() == 7);
    }

    private static string Query(string url, string name) =>
        System.Web.HttpUtility.ParseQueryString(new Uri(url).Query)[name]!;
}
