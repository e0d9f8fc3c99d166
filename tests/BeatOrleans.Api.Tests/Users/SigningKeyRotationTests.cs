using System.Net;
using System.Security.Cryptography;

namespace BeatOrleans.Api.Tests.Users;

public sealed class RotatingKeyHost() : MarketplaceHost(new() { ["Auth:Jwt:SigningKey"] = RotatingKeyHost.First })
{
    public static readonly string First = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));

    public static readonly string Second = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));
}

/// <summary>A new signing key with the old one among the previous keys: nobody is logged out, and the old key can then go.</summary>
public sealed class SigningKeyRotationTests(RotatingKeyHost host) : IClassFixture<RotatingKeyHost>
{
    [Fact]
    public async Task Tokens_and_signed_urls_of_the_previous_key_work_until_it_is_dropped()
    {
        var http = host.CreateClient();
        var account = await http.SignUp();
        var before = await http.LogIn(account);
        var grant = await http.PostJson("/api/beats/upload-url", before.Token, new { }, HttpStatusCode.OK);
        // The restarted host listens on another port: the URL's path and signature are what must still hold.
        var uploadUrl = new Uri(grant["upload_url"]!.GetValue<string>()).PathAndQuery;

        await host.Restart(new Dictionary<string, string?>
        {
            ["Auth:Jwt:SigningKey"] = RotatingKeyHost.Second,
            ["Auth:Jwt:PreviousSigningKeys:0"] = RotatingKeyHost.First,
        });
        http = host.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await http.Send(HttpMethod.Get, "/api/users/profile", before.Token)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.PutAsync(uploadUrl, new ByteArrayContent(await File.ReadAllBytesAsync(await Audio.Tone(220, 1, "wav"))))).StatusCode);
        var after = await http.LogIn(account);
        Assert.Equal(HttpStatusCode.OK, (await http.Send(HttpMethod.Get, "/api/users/profile", after.Token)).StatusCode);

        await host.Restart(new Dictionary<string, string?> { ["Auth:Jwt:PreviousSigningKeys:0"] = null });
        http = host.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.Send(HttpMethod.Get, "/api/users/profile", before.Token)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.Send(HttpMethod.Get, "/api/users/profile", after.Token)).StatusCode);
    }
}
