using System.Net;

namespace BeatOrleans.Api.Tests.Catalog;

/// <summary>A host with an upload limit of 1,000,000 bytes: not a whole number of MB.</summary>
public sealed class SmallUploadsHost() : MarketplaceHost(new() { ["Uploads:MaxAudioBytes"] = "1000000" });

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
        Assert.Contains("limit of 0.95 MB", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var masters = Path.Combine(host.DataDirectory, "blobs", "masters");
        Assert.True(!Directory.Exists(masters) || Directory.GetFiles(masters, "*", SearchOption.AllDirectories).Length == 0);

        var small = await File.ReadAllBytesAsync(await Audio.Tone(220, 2, "wav"));
        await (await http.Upload(token, small, "small.wav")).Body(HttpStatusCode.Accepted);
    }
}

/// <summary>Beats of at most 20 seconds.</summary>
public sealed class ShortBeatsHost() : MarketplaceHost(new() { ["Media:MaxDurationSeconds"] = "20" });

public sealed class BeatLengthTests(ShortBeatsHost host) : IClassFixture<ShortBeatsHost>
{
    private readonly HttpClient http = host.CreateClient();

    [Fact]
    public async Task A_file_whose_header_understates_its_length_is_measured_by_decoding_and_refused()
    {
        var token = (await http.LogIn(await http.SignUp())).Token;
        // 60 s of audio whose header says 10 s: the header passes the limit; the decoded audio does not.
        var lying = await Audio.LyingFlac(60, 10);

        var beat = await (await http.Upload(token, lying, "short.flac", new() { ["title"] = "Ten seconds, honest" }))
            .Body(HttpStatusCode.Accepted);
        var processed = await http.WaitUntilProcessed(beat.Id());

        Assert.Equal("failed", processed["status"]!.GetValue<string>());
        Assert.Contains("longer than the limit", processed["failure_reason"]!.GetValue<string>(),
            StringComparison.Ordinal);
        Assert.DoesNotContain(host.BeatFiles(beat.Id()), f => !f.StartsWith("masters/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_small_file_that_would_decode_to_a_huge_deliverable_is_refused()
    {
        var token = (await http.LogIn(await http.SignUp())).Token;
        // 15 s of 192 kHz 7.1 silence: a few hundred KB of FLAC, about 69 MB of 24-bit WAV.
        var silence = await Audio.WideSilenceFlac(15);
        Assert.True(silence.Length < 1_000_000, $"the FLAC is {silence.Length} bytes");

        var beat = await (await http.Upload(token, silence, "wide.flac")).Body(HttpStatusCode.Accepted);
        var processed = await http.WaitUntilProcessed(beat.Id());

        Assert.Equal("failed", processed["status"]!.GetValue<string>());
        Assert.Contains("decodes to", processed["failure_reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain(host.BeatFiles(beat.Id()), f => !f.StartsWith("masters/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_master_whose_timeline_has_a_gap_keeps_all_its_audio_in_the_deliverable()
    {
        var producer = (await http.LogIn(await http.SignUp())).Token;
        var buyer = (await http.LogIn(await http.SignUp())).Token;
        var beat = await (await http.Upload(producer, await Audio.DamagedOgg(), "damaged.ogg"))
            .Body(HttpStatusCode.Accepted);
        var ready = await http.WaitUntilProcessed(beat.Id());
        Assert.Equal("ready", ready["status"]!.GetValue<string>());
        var listed = ready["duration_seconds"]!.GetValue<double>();

        var purchase = await http.BuyAndPay(buyer, beat.Id(), "exclusive");
        var download = await (await http.Send(HttpMethod.Get, $"/api/purchases/{purchase.PurchaseId()}/download",
            buyer)).Body(HttpStatusCode.OK);
        var url = download["files"]!.AsArray().Single(f => f!["name"]!.GetValue<string>() == "wav")!["url"]!
            .GetValue<string>();
        var wav = Path.Combine(host.DataDirectory, $"{beat.Id()}.wav");
        await File.WriteAllBytesAsync(wav, await (await http.GetAsync(url)).Content.ReadAsByteArrayAsync());

        // Every decoded sample is delivered: the listed length, not a timeline cut short by the gap.
        Assert.InRange(listed, 10, 19.5);
        Assert.InRange(await Audio.Seconds(wav), listed - 0.1, listed + 0.1);
    }

    [Fact]
    public async Task A_file_whose_header_overstates_its_length_is_listed_with_the_length_it_plays()
    {
        var token = (await http.LogIn(await http.SignUp())).Token;
        // 8 s of audio whose header says 15 s: the beat is as long as what decodes.
        var beat = await (await http.Upload(token, await Audio.LyingFlac(8, 15), "long.flac"))
            .Body(HttpStatusCode.Accepted);

        var ready = await http.WaitUntilProcessed(beat.Id());

        Assert.Equal("ready", ready["status"]!.GetValue<string>());
        Assert.InRange(ready["duration_seconds"]!.GetValue<double>(), 7.9, 8.1);
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

/// <summary>
/// A host whose ffmpeg fails whenever it is asked to synthesise audio (the default tag): every processing attempt
/// dies the way a crashed one does, without a reason the beat could report.
/// </summary>
public sealed class BrokenTagHost() : MarketplaceHost(new()
{
    ["Media:FFmpegFolder"] = WrappedFFmpeg.Folder(ffmpeg: "case \"$*\" in *lavfi*) exit 1 ;; esac"),
    ["Catalog:SyncPeriod"] = "00:00:01",
    ["Catalog:MaxProcessingAttempts"] = "2",
});

public sealed class CatalogRetryTests(BrokenTagHost host) : IClassFixture<BrokenTagHost>
{
    private readonly HttpClient http = host.CreateClient();

    [Fact]
    public async Task Processing_that_keeps_dying_is_retried_by_the_reminder_then_ends_failed()
    {
        var token = (await http.LogIn(await http.SignUp())).Token;
        var beat = await http.UploadBeat(token, await Audio.Tone(220, 2, "wav"));
        var failed = await http.WaitUntilProcessed(beat.Id(), TimeSpan.FromSeconds(60));
        Assert.Equal("failed", failed["status"]!.GetValue<string>());
        Assert.Equal("Processing did not finish after 2 attempts.", failed["failure_reason"]!.GetValue<string>());
    }
}

/// <summary>A host that processes one beat at a time and records how many ffprobe processes ran at once.</summary>
public sealed class OneAtATimeHost : MarketplaceHost
{
    public static readonly string Log = Path.Combine(Directory.CreateTempSubdirectory("beatorleans-concurrency-").FullName, "running");

    public OneAtATimeHost() : base(new()
    {
        ["Media:MaxConcurrentJobs"] = "1",
        // FFMpegCore runs "ffprobe -version" once to check the binary: only real probes count.
        ["Media:FFmpegFolder"] = WrappedFFmpeg.Folder(ffprobe: $"[ \"$*\" = -version ] || {{ mkdir -p {Log}; touch {Log}/$$; "
            + $"ls {Log} | wc -l >> {Log}.counts; sleep 1; rm -f {Log}/$$; }}"),
    })
    {
    }
}

public sealed class CatalogConcurrencyTests(OneAtATimeHost host) : IClassFixture<OneAtATimeHost>
{
    private readonly HttpClient http = host.CreateClient();

    [Fact]
    public async Task A_silo_never_runs_more_ffmpeg_jobs_than_configured()
    {
        var token = (await http.LogIn(await http.SignUp())).Token;
        var wav = await Audio.Tone(220, 1, "wav");
        var beats = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => http.UploadBeat(token, wav)));
        foreach (var beat in beats)
        {
            Assert.Equal("ready", (await http.WaitUntilProcessed(beat.Id()))["status"]!.GetValue<string>());
        }

        var counts = (await File.ReadAllLinesAsync(OneAtATimeHost.Log + ".counts")).Select(l => int.Parse(l.Trim(), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(4, counts.Count);
        Assert.All(counts, running => Assert.Equal(1, running));
    }
}
