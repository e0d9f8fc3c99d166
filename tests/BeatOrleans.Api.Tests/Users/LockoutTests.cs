using System.Net;
using System.Net.Http.Json;

namespace BeatOrleans.Api.Tests.Users;

/// <summary>Behind a trusted proxy on the loopback network: each request can come from an address of its own.</summary>
public sealed class LockoutHost() : MarketplaceHost(new()
{
    ["ForwardedHeaders:KnownNetworks:0"] = "127.0.0.0/8",
    ["Users:LoginThrottle:MaxFailures"] = "3",
    ["Users:LoginThrottle:MaxFailuresPerAccount"] = "6",
});

public sealed class LockoutTests(LockoutHost host) : IClassFixture<LockoutHost>
{
    private readonly HttpClient http = host.CreateClient();

    [Fact]
    public async Task Wrong_passwords_lock_out_their_client_not_the_owner_until_many_clients_have_tried()
    {
        var account = await http.SignUp();
        for (var i = 0; i < 3; i++)
        {
            var wrong = await LogIn(account.Email, $"wrong-{i}-password", "203.0.113.7");
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        var guesser = await LogIn(account.Email, account.Password, "203.0.113.7");
        var owner = await LogIn(account.Email, account.Password, "198.51.100.20");

        await guesser.Problem(HttpStatusCode.TooManyRequests);
        Assert.True(guesser.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        await owner.Body(HttpStatusCode.OK);

        // Guessing spread over more addresses stops at the account's own limit, for every client.
        for (var i = 0; i < 3; i++)
        {
            var wrong = await LogIn(account.Email, $"again-{i}-password", $"192.0.2.{i + 1}");
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        await (await LogIn(account.Email, account.Password, "198.51.100.20")).Problem(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task Wrong_passwords_sent_at_once_get_no_more_password_checks_than_the_limit()
    {
        var account = await http.SignUp();

        // Counted before they are checked: a burst cannot all pass a check made before any of them failed.
        var burst = await Task.WhenAll(Enumerable.Range(0, 12)
            .Select(i => LogIn(account.Email, $"burst-{i}-password", "203.0.113.99")));

        var checkedOnes = burst.Count(r => r.StatusCode == HttpStatusCode.Unauthorized);
        Assert.InRange(checkedOnes, 1, 3);
        Assert.All(burst.Where(r => r.StatusCode != HttpStatusCode.Unauthorized), r => Assert.Contains(
            r.StatusCode, new[] { HttpStatusCode.TooManyRequests, HttpStatusCode.ServiceUnavailable }));
        // A check refused before it ran (503: the hashing queue was full, as on a loaded machine) is no failure:
        // the client reaches its limit with the wrong passwords still owed, and is then locked out.
        for (var i = checkedOnes; i < 3; i++)
        {
            var wrong = await LogIn(account.Email, $"after-{i}-password", "203.0.113.99");
            Assert.Contains(wrong.StatusCode, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests });
        }

        await (await LogIn(account.Email, account.Password, "203.0.113.99")).Problem(HttpStatusCode.TooManyRequests);
    }

    private async Task<HttpResponseMessage> LogIn(string email, string password, string address)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/users/login")
        {
            Content = JsonContent.Create(new { email, password }),
        };
        request.Headers.Add("X-Forwarded-For", address);
        return await http.SendAsync(request);
    }
}
