using System.Net;

namespace BeatOrleans.Api.Tests.Security;

/// <summary>A host whose users may start 2 uploads an hour and make 3 profile changes a minute.</summary>
public sealed class UploadLimitHost() : MarketplaceHost(new()
{
    ["RateLimits:UploadsPerUserPerHour"] = "2",
    ["RateLimits:ProfileChangesPerUserPerMinute"] = "3",
});

public sealed class UploadRateLimitTests(UploadLimitHost host) : IClassFixture<UploadLimitHost>
{
    private readonly HttpClient http = host.CreateClient();

    [Fact]
    public async Task Uploads_of_every_kind_share_one_budget_per_user_and_a_refused_one_stores_nothing()
    {
        var producer = (await http.LogIn(await http.SignUp())).Token;
        var other = (await http.LogIn(await http.SignUp())).Token;
        var wav = await File.ReadAllBytesAsync(await Audio.Tone(220, 2, "wav"));

        var first = await (await http.Upload(producer, wav, "one.wav")).Body(HttpStatusCode.Accepted);
        await (await http.Send(HttpMethod.Post, "/api/beats/upload-url", producer)).Body(HttpStatusCode.OK);
        await http.WaitUntilProcessed(first.Id());
        var stored = Directory.GetFiles(host.BlobRoot, "*", SearchOption.AllDirectories).Length;

        var refused = await http.Upload(producer, wav, "three.wav");
        await refused.Problem(HttpStatusCode.TooManyRequests);
        Assert.InRange(refused.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(30));
        using var tag = new MultipartFormDataContent { { new ByteArrayContent(wav), "file", "tag.wav" } };
        using var tagRequest = new HttpRequestMessage(HttpMethod.Post, "/api/users/profile/voice-tag")
        {
            Content = tag,
        };
        tagRequest.Headers.Authorization = new("Bearer", producer);
        await (await http.SendAsync(tagRequest)).Problem(HttpStatusCode.TooManyRequests);
        Assert.Equal(stored, Directory.GetFiles(host.BlobRoot, "*", SearchOption.AllDirectories).Length);

        // The budget is the user's own: another producer uploads at once.
        await (await http.Upload(other, wav, "theirs.wav")).Body(HttpStatusCode.Accepted);
    }

    [Fact]
    public async Task An_account_cannot_probe_many_email_addresses_through_profile_changes()
    {
        var taken = await http.SignUp();
        var prober = (await http.LogIn(await http.SignUp())).Token;

        for (var i = 0; i < 3; i++)
        {
            await (await http.Send(HttpMethod.Put, "/api/users/profile/update", prober, new { email = taken.Email }))
                .Problem(HttpStatusCode.Conflict);
        }

        var refused = await http.Send(HttpMethod.Put, "/api/users/profile/update", prober, new { email = taken.Email });
        await refused.Problem(HttpStatusCode.TooManyRequests);
        Assert.NotNull(refused.Headers.RetryAfter);
    }
}
