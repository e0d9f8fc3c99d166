using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;

namespace BeatOrleans.Integration.Tests.Cluster;

[Collection(LocalClusterGroup.Name)]
public sealed class ClusterTests(LocalCluster cluster)
{
    private static HttpClient Client(Uri baseUrl) => new() { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task The_users_contract_holds_across_two_api_nodes()
    {
        using var one = Client(await cluster.Api(1));
        using var two = Client(await cluster.Api(2));

        var account = await one.SignUp();
        var tokens = await two.LogIn(account);
        var profile = await (await one.Send(HttpMethod.Get, "/api/users/profile", tokens.Token)).Body(HttpStatusCode.OK);
        Assert.Equal(account.Username, profile["username"]!.GetValue<string>());
        await (await two.Send(HttpMethod.Put, "/api/users/profile/update", tokens.Token, new { bio = "written on node 2" })).Body(HttpStatusCode.OK);
        var onOne = await (await one.Send(HttpMethod.Get, "/api/users/profile", tokens.Token)).Body(HttpStatusCode.OK);
        Assert.Equal("written on node 2", onOne["bio"]!.GetValue<string>());

        await (await two.Send(HttpMethod.Post, "/api/users/logout", tokens.Token)).Body(HttpStatusCode.OK);

        await (await one.Send(HttpMethod.Get, "/api/users/profile", tokens.Token)).Problem(HttpStatusCode.Unauthorized);
        await (await two.Send(HttpMethod.Get, "/api/users/profile", tokens.Token)).Problem(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Killing_the_users_silos_answers_503_fast_and_a_restart_brings_the_accounts_back_from_postgres()
    {
        using var api = Client(await cluster.Api(1));
        var account = await api.SignUp();
        await api.LogIn(account);
        var usersSilos = (await cluster.Status()).Select(p => p.Name).Where(n => n.StartsWith("silo-users", StringComparison.Ordinal)).ToList();

        foreach (var silo in usersSilos)
        {
            await cluster.Kill(silo);
        }

        try
        {
            var clock = Stopwatch.StartNew();
            var login = await api.PostAsJsonAsync("/api/users/login", new { email = account.Email, password = account.Password });
            await login.Problem(HttpStatusCode.ServiceUnavailable);
            var signup = await api.PostAsJsonAsync("/api/users/signup",
                new { username = ApiClient.UniqueName(), email = $"{Guid.NewGuid():N}@example.com", password = ApiClient.Password });
            await signup.Problem(HttpStatusCode.ServiceUnavailable);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(12), $"503s took {clock.Elapsed.TotalSeconds:0.0} s");
            Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/health/live")).StatusCode);
        }
        finally
        {
            foreach (var silo in usersSilos)
            {
                await cluster.Start(silo);
            }
        }

        var relogin = await Eventually.Until(
            () => api.PostAsJsonAsync("/api/users/login", new { email = account.Email, password = account.Password }),
            response => response.StatusCode != HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(500));

        Assert.Equal(HttpStatusCode.OK, relogin.StatusCode);
    }

    [Fact]
    public async Task A_second_users_silo_started_under_load_takes_new_activations_and_no_request_fails()
    {
        await using var orleans = await ClusterClient.Connect(cluster);
        using var one = Client(await cluster.Api(1));
        using var two = Client(await cluster.Api(2));
        var reader = (await one.LogIn(await one.SignUp())).Token;
        var failures = new List<string>();
        using var stop = new CancellationTokenSource();

        // Lookups of users nobody has (each activates a user grain, placed on any users silo; 404 is the right
        // answer) and signups. One signup loop, not several: on these two cores a few loops of 210,000-iteration
        // hashes fill the silos' hashing queues, and a full queue answers 503 by design whether or not a silo joins.
        async Task Load(HttpClient http, bool signups)
        {
            while (!stop.IsCancellationRequested)
            {
                var sent = Stopwatch.StartNew();
                using var response = signups
                    ? await http.PostAsJsonAsync("/api/users/signup", new
                    {
                        username = ApiClient.UniqueName("load"), email = $"{Guid.NewGuid():N}@example.com",
                        password = ApiClient.Password,
                    })
                    : await http.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/api/users/{Guid.NewGuid():N}")
                    {
                        Headers = { Authorization = new("Bearer", reader) },
                    });
                if (response.StatusCode != (signups ? HttpStatusCode.Created : HttpStatusCode.NotFound))
                {
                    var body = await response.Content.ReadAsStringAsync();
                    var failure = $"{(int)response.StatusCode} after {sent.ElapsedMilliseconds} ms: {body}";
                    lock (failures)
                    {
                        failures.Add(failure);
                    }
                }
            }
        }

        var load = Task.WhenAll(Load(one, signups: true), Load(two, signups: false), Load(one, signups: false),
            Load(two, signups: false));
        var added = await cluster.AddSilo("users");
        var newSilo = await orleans.ActiveSilo(cluster, added);
        await Eventually.Until(
            async () => (await orleans.Activations("UserGrain")).GetValueOrDefault(newSilo), placed => placed != 0,
            TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(250));

        await stop.CancelAsync();
        await load;
        var onNewSilo = (await orleans.Activations("UserGrain")).GetValueOrDefault(newSilo);
        await cluster.Stop(added);

        Assert.StartsWith("silo-users-", added, StringComparison.Ordinal);
        Assert.True(onNewSilo > 0, "no user grain was activated on the new silo");
        // Whole answers, not xUnit's cut of a collection, and what the API nodes logged about them (the exception
        // behind a 503): a failure here has to say which call failed and why.
        if (failures.Count > 0)
        {
            var logged = new List<string>();
            foreach (var node in new[] { "api-1", "api-2" })
            {
                logged.AddRange((await cluster.Log(node)).Split('\n')
                    .Where(line => line.Contains("found its domain unavailable", StringComparison.Ordinal))
                    .Select(line => $"{node}: {line.Trim()}"));
            }

            Assert.Fail($"{failures.Count} requests failed:\n{string.Join("\n", failures)}\n"
                + $"API nodes:\n{string.Join("\n", logged.TakeLast(20))}");
        }
    }

    [Fact]
    public async Task Restarting_one_users_silo_leaves_the_activations_on_the_other_users_silos_alone()
    {
        await using var orleans = await ClusterClient.Connect(cluster);
        var restarted = await cluster.AddSilo("users");
        var added = await orleans.ActiveSilo(cluster, restarted);
        using var api = Client(await cluster.Api(1));
        var accounts = new List<Account>();
        for (var i = 0; i < 40; i++)
        {
            accounts.Add(await api.SignUp());
        }

        var activationsBefore = await orleans.Activations("UserGrain");
        Assert.True(activationsBefore.GetValueOrDefault(added) > 0, "no user grain landed on the added silo");

        await cluster.Stop(restarted);
        await cluster.Start(restarted);
        var activationsAfter = await orleans.Activations("UserGrain");
        await cluster.Stop(restarted);

        foreach (var (silo, count) in activationsBefore.Where(a => !a.Key.Endpoint.Equals(added.Endpoint)))
        {
            Assert.True(activationsAfter.GetValueOrDefault(silo) >= count,
                $"{silo} had {count} user grains before the restart of another silo and {activationsAfter.GetValueOrDefault(silo)} after");
        }

        foreach (var account in accounts.Take(5))
        {
            await api.LogIn(account);
        }
    }

    [Fact]
    public async Task With_one_api_node_stopped_the_other_serves_every_users_request()
    {
        await cluster.Stop("api-1");
        try
        {
            using var two = Client(await cluster.Api(2));
            var account = await two.SignUp();
            var tokens = await two.LogIn(account);
            await (await two.Send(HttpMethod.Get, "/api/users/profile", tokens.Token)).Body(HttpStatusCode.OK);
            var refreshed = await two.PostAsJsonAsync("/api/users/refresh", new { refresh_token = tokens.RefreshToken });
            Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        }
        finally
        {
            await cluster.Start("api-1");
        }
    }

    [Fact]
    public async Task The_dashboard_needs_an_operator_login_in_the_cluster()
    {
        using var api = Client(await cluster.Api(1));

        var anonymous = await api.GetAsync("/dashboard/");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Contains(anonymous.Headers.WwwAuthenticate, h => h.Scheme == "Basic");

        using var request = new HttpRequestMessage(HttpMethod.Get, "/dashboard/");
        request.Headers.Authorization = new("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"operator:{cluster.OperatorPassword}")));
        Assert.Equal(HttpStatusCode.OK, (await api.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task Api_and_silo_readiness_name_their_dependencies()
    {
        using var api = Client(await cluster.Api(1));

        var ready = await (await api.GetAsync("/health/ready")).Body(HttpStatusCode.OK);

        var names = ready["checks"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()).ToList();
        Assert.Contains("orleans", names);
        Assert.Contains("redis", names);

        using var silo = Client(await cluster.Url("silo-users"));
        var siloReady = await (await silo.GetAsync("/health/ready")).Body(HttpStatusCode.OK);
        var siloChecks = siloReady["checks"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()).ToList();
        Assert.Equal(["silo", "redis", "postgres", "shutdown"], siloChecks);
    }

    [Fact]
    public async Task A_silo_stopped_with_sigterm_leaves_the_cluster_at_once_and_comes_back_on_start()
    {
        await using var orleans = await ClusterClient.Connect(cluster);
        var chat = await orleans.ActiveSilo(cluster, "silo-chat");

        var stopping = System.Diagnostics.Stopwatch.StartNew();
        await cluster.Stop("silo-chat");
        stopping.Stop();
        try
        {
            // An orderly leave: the silo marks itself dead in membership as it goes, without waiting for the others'
            // failure detection, and well within Shutdown:Timeout (30 s).
            Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(10), $"stopping took {stopping.Elapsed}");
            await Eventually.Until(
                async () => (await orleans.ActiveSilos()).Contains(chat), listed => !listed, TimeSpan.FromSeconds(3));

            Assert.DoesNotContain(chat, await orleans.ActiveSilos());
            Assert.Contains("Drained in", await cluster.Log("silo-chat"), StringComparison.Ordinal);

            using var api = Client(await cluster.Api(1));
            var account = await api.SignUp();
            await (await api.Send(HttpMethod.Get, "/api/users/profile", (await api.LogIn(account)).Token)).Body(HttpStatusCode.OK);
        }
        finally
        {
            await cluster.Start("silo-chat");
        }
    }
}
