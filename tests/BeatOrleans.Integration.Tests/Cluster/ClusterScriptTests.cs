using System.Globalization;
using System.Net;

namespace BeatOrleans.Integration.Tests.Cluster;

/// <summary>
/// scripts/cluster.sh with servers of its own (Redis, PostgreSQL, RabbitMQ in its folder), as a developer runs it:
/// <c>down</c> then <c>up</c> is a restart on the same data; <c>down --purge</c> leaves nothing behind.
/// </summary>
public sealed class ClusterScriptTests
{
    [Fact]
    public async Task Up_after_down_keeps_the_accounts_and_down_purge_deletes_the_cluster_folder()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"beatorleans-script-{Guid.NewGuid():N}");
        var basePort = LocalCluster.FreePortRange();
        var environment = new Dictionary<string, string?>
        {
            ["CLUSTER_DIR"] = folder,
            ["CLUSTER_BASE_PORT"] = basePort.ToString(CultureInfo.InvariantCulture),
            ["CLUSTER_DOMAINS"] = "users",
            ["CLUSTER_API_NODES"] = "1",
            ["CLUSTER_ID"] = $"script-{Guid.NewGuid():N}"[..16],
            ["CLUSTER_RATE_LIMIT"] = "100000",
        };
        // Ports of its own: the test run's servers may have been given theirs explicitly.
        foreach (var port in new[] { "REDIS", "POSTGRES", "RABBITMQ", "RABBITMQ_DIST", "EPMD", "S3" })
        {
            environment[$"BEATORLEANS_{port}_PORT"] = null;
        }

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{basePort + 1}") };
        try
        {
            await LocalCluster.RunScript(environment, "up");
            var account = await http.SignUp();
            var pids = await Pids(environment);
            await LocalCluster.RunScript(environment, "down");
            Assert.All(pids, pid => Assert.False(Alive(pid), $"process {pid} still runs after down"));

            await LocalCluster.RunScript(environment, "up");
            var tokens = await http.LogIn(account); // the account came back from the PostgreSQL data kept by down
            var profile = await (await http.Send(HttpMethod.Get, "/api/users/profile", tokens.Token)).Body(HttpStatusCode.OK);
            Assert.Equal(account.Username, profile["username"]!.GetValue<string>());
            pids = await Pids(environment);

            await LocalCluster.RunScript(environment, "down", "--purge");
            Assert.False(Directory.Exists(folder), "down --purge left the cluster folder");
            Assert.All(pids, pid => Assert.False(Alive(pid), $"process {pid} still runs after down --purge"));
            await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync("/health/live"));
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                await LocalCluster.RunScript(environment, "down", "--purge");
            }
        }
    }

    private static async Task<List<int>> Pids(Dictionary<string, string?> environment) =>
        [.. (await LocalCluster.RunScript(environment, "status"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => int.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture))];

    private static bool Alive(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
