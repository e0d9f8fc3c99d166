using System.Net;
using System.Net.Http.Json;

namespace BeatOrleans.Api.Tests.Hosting;

/// <summary>A host of its own: restarting it must not disturb other classes.</summary>
public sealed class RestartHost : MarketplaceHost;

public sealed class RestartTests(RestartHost host) : IClassFixture<RestartHost>
{
    [Fact]
    public async Task Accounts_profiles_and_sessions_survive_a_restart_on_the_same_data_file()
    {
        var http = host.CreateClient();
        var account = await http.SignUp();
        var tokens = await http.LogIn(account);
        await http.Send(HttpMethod.Put, "/api/users/profile/update", tokens.Token, new { bio = "kept across restarts" });

        await host.Restart();
        http = host.CreateClient();

        var profile = await (await http.Send(HttpMethod.Get, "/api/users/profile", tokens.Token)).Body(HttpStatusCode.OK);
        Assert.Equal("kept across restarts", profile["bio"]!.GetValue<string>());
        var relogin = await http.PostAsJsonAsync("/api/users/login", new { email = account.Email, password = account.Password });
        Assert.Equal(HttpStatusCode.OK, relogin.StatusCode);
        var duplicate = await http.PostAsJsonAsync("/api/users/signup",
            new { username = account.Username, email = $"{Guid.NewGuid():N}@example.com", password = ApiClient.Password });
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
    }
}
