using System.Net;

namespace BeatOrleans.Api.Tests.Hosting;

/// <summary>An S3 audio store that does not answer: nothing listens on port 9 of the loopback address.</summary>
public sealed class UnreachableS3Host() : MarketplaceHost(new()
{
    ["Blobs:Provider"] = "s3",
    ["Blobs:S3:ServiceUrl"] = "http://127.0.0.1:9",
    ["Blobs:S3:Bucket"] = "beats",
    ["Blobs:S3:AccessKey"] = "unused",
    ["Blobs:S3:SecretKey"] = "unused-secret",
});

public sealed class BlobStoreOutageTests(UnreachableS3Host host) : IClassFixture<UnreachableS3Host>
{
    [Fact]
    public async Task Readiness_names_the_audio_store_degraded_and_uploads_are_503_while_browsing_works()
    {
        var http = host.CreateClient();

        var ready = await (await http.GetAsync("/health/ready")).Body(HttpStatusCode.OK);
        Assert.Equal("Degraded", ready["status"]!.GetValue<string>());
        Assert.Contains(ready["checks"]!.AsArray(),
            c => c!["name"]!.GetValue<string>() == "blobs" && c["status"]!.GetValue<string>() == "Degraded");

        var token = (await http.LogIn(await http.SignUp())).Token;
        var wav = await File.ReadAllBytesAsync(await Audio.Tone(220, 2, "wav"));
        var upload = await http.Upload(token, wav, "beat.wav");
        await upload.Problem(HttpStatusCode.ServiceUnavailable);
        Assert.True(upload.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        await (await http.GetAsync("/api/beats")).Body(HttpStatusCode.OK);
    }
}
