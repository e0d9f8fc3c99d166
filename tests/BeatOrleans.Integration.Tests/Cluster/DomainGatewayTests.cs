using System.Diagnostics;
using System.Net;
using Xunit.Abstractions;

namespace BeatOrleans.Integration.Tests.Cluster;

/// <summary>
/// An API node sends a domain's grain calls only through that domain's silos. A plain Orleans client spreads its calls
/// over every silo's gateway, so a crash of the chat silo failed some writes of the users domain that happened to be in
/// flight through it (and in containers held them until membership declared the silo dead).
/// </summary>
[Collection(LocalClusterGroup.Name)]
public sealed class DomainGatewayTests(LocalCluster cluster, ITestOutputHelper output)
{
    [Fact]
    public async Task Killing_the_chat_silo_fails_no_profile_update_under_load()
    {
        using var one = Client(await cluster.Api(1));
        using var two = Client(await cluster.Api(2));
        var tokens = new List<string>();
        foreach (var http in Enumerable.Repeat(new[] { one, two }, 8).SelectMany(pair => pair))
        {
            tokens.Add((await http.LogIn(await http.SignUp())).Token);
        }

        var clock = Stopwatch.StartNew();
        var samples = new List<(TimeSpan Started, HttpStatusCode Status)>();
        using var stop = new CancellationTokenSource();
        async Task Load(HttpClient http, int worker)
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var started = clock.Elapsed;
                HttpStatusCode status;
                try
                {
                    // A write: never retried, so any call lost on its way through a dying silo shows as a failure.
                    var token = tokens[(worker + 2 * i) % tokens.Count];
                    using var response = await http.Send(
                        HttpMethod.Put, "/api/users/profile/update", token, new { bio = $"update {worker}-{i}" });
                    status = response.StatusCode;
                }
                catch (HttpRequestException)
                {
                    status = 0;
                }

                lock (samples)
                {
                    samples.Add((started, status));
                }
            }
        }

        var load = Task.WhenAll(Enumerable.Range(0, 8).Select(w => Load(w % 2 == 0 ? one : two, w)));
        TimeSpan crash;
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(2));
            crash = clock.Elapsed;
            await cluster.Kill("silo-chat");
            await Task.Delay(TimeSpan.FromSeconds(6));
        }
        finally
        {
            await stop.CancelAsync();
            await load;
            await cluster.Start("silo-chat");
        }

        var failed = samples.Where(s => s.Status != HttpStatusCode.OK).ToList();
        var afterCrash = samples.Count(s => s.Started > crash);
        var summary = $"{samples.Count} updates, {afterCrash} after the kill, {failed.Count} failed: " +
            string.Join(", ", failed.GroupBy(s => (int)s.Status).Select(g => $"{g.Key} x{g.Count()}"));
        output.WriteLine(summary);
        Assert.True(afterCrash > 100, $"too little load after the crash to judge: {summary}");
        Assert.True(failed.Count == 0, summary);
    }

    private static HttpClient Client(Uri baseUrl) =>
        new() { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(30) };
}
