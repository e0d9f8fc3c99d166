using System.Net;
using Xunit.Abstractions;

namespace BeatOrleans.Integration.Tests.Cluster;

/// <summary>Where new activations of the users domain land when many start at once.</summary>
[Collection(LocalClusterGroup.Name)]
public sealed class PlacementTests(LocalCluster cluster, ITestOutputHelper output)
{
    private const int Burst = 600;

    [Fact]
    public async Task A_burst_of_new_user_grains_spreads_over_both_users_silos()
    {
        await using var orleans = await ClusterClient.Connect(cluster);
        using var one = new HttpClient { BaseAddress = await cluster.Api(1), Timeout = TimeSpan.FromSeconds(30) };
        using var two = new HttpClient { BaseAddress = await cluster.Api(2), Timeout = TimeSpan.FromSeconds(30) };
        // Signed in before the silo is added, and again after a 503: the setup's signup and password check are not what
        // this test is about. A just-started silo's first password hash once took past the node's 5 s call timeout, and
        // a signup right after the collection's silo-kill tests was once refused while the cluster settled.
        Tokens? caller = null;
        for (var attempt = 1; caller is null; attempt++)
        {
            try
            {
                caller = await one.LogIn(await one.SignUp());
            }
            catch (Xunit.Sdk.XunitException refused) when (attempt < 15)
            {
                output.WriteLine($"setup attempt {attempt}: {refused.Message}");
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
        }

        var added = await cluster.AddSilo("users");
        try
        {
            // The burst starts once both API nodes' silos place on the new one: until a silo has it in its view, it
            // cannot place there, and that is how a silo joins, not what this test measures.
            var newSilo = await orleans.ActiveSilo(cluster, added);
            foreach (var api in new[] { one, two })
            {
                var placedBefore = (await orleans.Activations("UserGrain")).GetValueOrDefault(newSilo);
                await Eventually.Until(
                    async () =>
                    {
                        for (var i = 0; i < 5; i++)
                        {
                            var id = Guid.NewGuid().ToString("N");
                            using var _ = await api.Send(HttpMethod.Get, $"/api/users/{id}", caller.Token);
                        }

                        return (await orleans.Activations("UserGrain")).GetValueOrDefault(newSilo);
                    },
                    placed => placed > placedBefore, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100));
            }

            var activationsBefore = await orleans.Activations("UserGrain");

            // Each lookup of an id no user has activates a user grain of its own (and answers 404), many at once,
            // through both API nodes: what a wave of new visitors or a restart under load does.
            await Parallel.ForEachAsync(Enumerable.Range(0, Burst), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, _) =>
            {
                var api = i % 2 == 0 ? one : two;
                using var response = await api.Send(HttpMethod.Get, $"/api/users/{Guid.NewGuid():N}", caller.Token);
                Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            });

            var activationsAfter = await orleans.Activations("UserGrain");
            var gained = activationsAfter.ToDictionary(a => a.Key, a => a.Value - activationsBefore.GetValueOrDefault(a.Key));
            var total = gained.Values.Sum();
            var onNewSilo = gained.GetValueOrDefault(newSilo);
            output.WriteLine($"new user grains per silo: {string.Join(", ", gained.Select(g => $"{g.Key}: {g.Value}"))}");
            Assert.True(total >= Burst, $"only {total} new user grains for {Burst} lookups");
            // Random placement over two silos puts 50% +- 2% (one standard deviation) on each; a placement that herds
            // a burst onto the silo that looked idlest a second ago puts nearly all of it on one.
            Assert.True(onNewSilo >= total * 0.35 && onNewSilo <= total * 0.65,
                $"the added users silo took {onNewSilo} of {total} new user grains ({string.Join(", ", gained.Select(g => $"{g.Key}: {g.Value}"))})");
        }
        finally
        {
            await cluster.Stop(added);
        }
    }
}
