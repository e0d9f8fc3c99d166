using System.Net;

namespace BeatOrleans.Api.Tests;

/// <summary>A host with a 1 MB upload limit.</summary>
public sealed class SmallUploadsHost() : MarketplaceHost(new() { ["Uploads:MaxAudioBytes"] = "1048576" });

public sealed class CatalogLimitsTests(SmallUploadsHost host) : IClassFixture<SmallUploadsHost>
{
    private readonly HttpClient http = host.CreateClient();

    [Fact]
    public async Task An_upload_over_the_limit_is_413_and_leaves_nothing_behind()
    {
        var account = await http.SignUp();
        var token = (await http.LogIn(account)).Token;
        var big = await File.ReadAllBytesAsync(await Audio.Tone(220, 8, "wav")); // ~1.4 MB
        var problem = await (await http.Upload(token, big, "big.wav")).Problem(HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("1 MB", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var masters = Path.Combine(host.DataDirectory, "blobs", "masters");
        Assert.True(!Directory.Exists(masters) || Directory.GetFiles(masters, "*", SearchOption.AllDirectories).Length == 0);

        var small = await File.ReadAllBytesAsync(await Audio.Tone(220, 2, "wav"));
        await (await http.Upload(token, small, "small.wav")).Body(HttpStatusCode.Accepted);
    }
}

/// <summary>A host whose ffprobe takes 3 s to start, so a beat stays in processing long enough to observe.</summary>
public sealed class SlowProbeHost() : MarketplaceHost(new() { ["Media:FFmpegFolder"] = SlowFFmpeg.Folder() });

public sealed class CatalogProcessingTests(SlowProbeHost host) : IClassFixture<SlowProbeHost>
{
    private readonly HttpClient http = host.CreateClient();

    [Fact]
    public async Task Streaming_and_waveform_are_409_while_the_beat_is_processing_then_work()
    {
        var account = await http.SignUp();
        var token = (await http.LogIn(account)).Token;
        var beat = await http.UploadBeat(token, await Audio.Tone(220, 2, "wav"));

        await (await http.GetAsync($"/api/beats/stream/{beat.Id()}")).Problem(HttpStatusCode.Conflict);
        await (await http.GetAsync($"/api/beats/{beat.Id()}/waveform")).Problem(HttpStatusCode.Conflict);
        Assert.Equal("processing", (await (await http.GetAsync($"/api/beats/{beat.Id()}")).Body(HttpStatusCode.OK))["status"]!.GetValue<string>());

        Assert.Equal("ready", (await http.WaitUntilProcessed(beat.Id()))["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(await http.StreamUrl(beat.Id()))).StatusCode);
    }
}
