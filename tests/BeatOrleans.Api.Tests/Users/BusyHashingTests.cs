using System.Net;
using System.Net.Http.Json;

namespace BeatOrleans.Api.Tests.Users;

/// <summary>
/// One hashing slot, hashes of ~1 s (1.5 million PBKDF2 iterations) and a 0.2 s queue time: a burst of credential
/// requests overflows the queue at once, as a login rush does on a silo's few cores.
/// </summary>
public sealed class BusyHashingHost() : MarketplaceHost(new()
{
    ["Users:Passwords:Iterations"] = "1500000",
    ["Users:Passwords:MaxConcurrency"] = "1",
    ["Users:Passwords:QueueTimeout"] = "00:00:00.2",
});

public sealed class BusyHashingTests(BusyHashingHost host) : IClassFixture<BusyHashingHost>
{
    private const HttpStatusCode Busy = HttpStatusCode.ServiceUnavailable;
    private const HttpStatusCode TooMany = HttpStatusCode.TooManyRequests;
    private const string BusyTitle = "Too many sign-ins are being checked right now.";
    private static readonly HttpStatusCode[] Created = [HttpStatusCode.Created];
    private static readonly HttpStatusCode[] Wrong = [HttpStatusCode.Unauthorized];

    private readonly HttpClient http = host.CreateClient();

    private static object Signup(string name) =>
        new { username = name, email = $"{name}@example.com", password = ApiClient.Password };

    [Fact]
    public async Task A_signup_refused_for_a_full_hashing_queue_answers_503_and_goes_through_when_sent_again_as_it_was()
    {
        var signups = Enumerable.Range(0, 10).Select(_ => ApiClient.UniqueName("rush")).ToList();

        var answers = await Task.WhenAll(signups.Select(name =>
            http.PostAsJsonAsync("/api/users/signup", Signup(name))));

        Assert.All(answers, a => Assert.Contains(a.StatusCode, Created.Append(Busy)));
        Assert.Contains(answers, a => a.StatusCode == HttpStatusCode.Created);
        var refused = signups.Zip(answers)
            .Where(pair => pair.Second.StatusCode == HttpStatusCode.ServiceUnavailable)
            .ToList();
        Assert.NotEmpty(refused);
        foreach (var (name, answer) in refused)
        {
            var problem = await answer.Problem(HttpStatusCode.ServiceUnavailable);
            Assert.Equal(BusyTitle, problem["title"]!.GetValue<string>());
            Assert.Equal("2", answer.Headers.GetValues("Retry-After").Single());

            // Nothing of the refused signup was kept: neither name is claimed, and the same request creates the
            // account.
            var again = await http.PostAsJsonAsync("/api/users/signup", Signup(name));
            var created = await again.Body(HttpStatusCode.Created);
            Assert.Equal(name, created["username"]!.GetValue<string>());
            var login = await http.PostAsJsonAsync("/api/users/login",
                new { email = $"{name}@example.com", password = ApiClient.Password });
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }
    }

    [Fact]
    public async Task Logins_refused_for_a_full_hashing_queue_answer_503_and_do_not_count_as_failed_attempts()
    {
        var account = await http.SignUp();

        // Wrong passwords: each counts as an attempt before it is checked, so at most five at a time get that far
        // (others 429). Were the ones refused for the queue counted as failures, the five allowed would be used up and
        // the right password would then answer 429.
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            http.PostAsJsonAsync("/api/users/login", new { email = account.Email, password = $"wrong-{i}-password" })));

        Assert.All(answers, a => Assert.Contains(a.StatusCode, Wrong.Append(Busy).Append(TooMany)));
        var refused = answers.Where(a => a.StatusCode == HttpStatusCode.ServiceUnavailable).ToList();
        Assert.InRange(refused.Count, 2, 7);
        foreach (var answer in refused)
        {
            var problem = await answer.Problem(HttpStatusCode.ServiceUnavailable);
            Assert.Equal(BusyTitle, problem["title"]!.GetValue<string>());
        }

        var login = await http.PostAsJsonAsync("/api/users/login",
            new { email = account.Email, password = account.Password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
    }
}
