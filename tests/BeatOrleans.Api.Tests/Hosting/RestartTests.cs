using System.Net;
using System.Net.Http.Json;
using BeatOrleans.Api.Users;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

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

    [Fact]
    public async Task The_node_caches_profiles_again_on_a_data_file_an_older_build_left_its_revocation_list_in()
    {
        // The row an older build's session-revocation grain (key 0, state "registrations") left in the embedded
        // file, copied byte for byte: it names that build's observer interface, users.ISessionRevocationObserver.
        const string payload =
            "202000032120202020606AFE65C741157379732E636C69656E74E0E021606E397A124183686F737465642D3132372E302E30" +
            "2E313A3131313131403135353434313831322B3035616333373066386533343431626538663865663739333331353837353664" +
            "E0E0212060C1561150414175736572732E4953657373696F6E5265766F636174696F6E4F62736572766572E0E0E02180D2B249" +
            "D47552DF08810000000000000000E0E0E0E0";
        var file = Path.Combine(host.DataDirectory, "beatorleans.db");
        await using (var sqlite = new SqliteConnection($"Data Source={file}"))
        {
            await sqlite.OpenAsync();
            var insert = sqlite.CreateCommand();
            insert.CommandText = """
                DELETE FROM OrleansStorage WHERE GrainTypeString = 'registrations';
                INSERT INTO OrleansStorage (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString,
                    GrainIdExtensionString, ServiceId, PayloadBinary, ModifiedOn, Version)
                VALUES (328578014, 0, 0, 970389039, 'registrations', NULL, 'beatorleans', $payload,
                    '2026-12-05T02:16:53.627Z', 2)
                """;
            insert.Parameters.AddWithValue("$payload", Convert.FromHexString(payload));
            await insert.ExecuteNonQueryAsync();
        }

        await host.Restart();
        var http = host.CreateClient();
        var tokens = await http.LogIn(await http.SignUp());
        await (await http.Send(HttpMethod.Get, "/api/users/profile", tokens.Token)).Body(HttpStatusCode.OK);

        // A node caches a profile only while it is registered for change notices; with the node-caches grain unable
        // to read its state, it never was, and every read went to the grain (logs: "Could not register for cache
        // notices" every minute).
        Assert.True(host.Services.GetRequiredService<ProfileCache>().Entries.Count > 0, "the node kept no profile");
        await (await http.Send(HttpMethod.Post, "/api/users/logout", tokens.Token)).Body(HttpStatusCode.OK);
        var afterLogout = await http.Send(HttpMethod.Get, "/api/users/profile", tokens.Token);
        Assert.Equal(HttpStatusCode.Unauthorized, afterLogout.StatusCode);
    }
}
