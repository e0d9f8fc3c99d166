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
            Assert.All(pids, process => Assert.False(Alive(process), $"process {process.Pid} still runs after down"));

            await LocalCluster.RunScript(environment, "up");
            var tokens = await http.LogIn(account); // the account came back from the PostgreSQL data kept by down
            var profile = await (await http.Send(HttpMethod.Get, "/api/users/profile", tokens.Token)).Body(HttpStatusCode.OK);
            Assert.Equal(account.Username, profile["username"]!.GetValue<string>());
            pids = await Pids(environment);

            await LocalCluster.RunScript(environment, "down", "--purge");
            Assert.False(Directory.Exists(folder), "down --purge left the cluster folder");
            Assert.All(pids, process =>
                Assert.False(Alive(process), $"process {process.Pid} still runs after down --purge"));
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

    /// <summary>The cluster's processes and their start times: a pid that <c>down</c> frees may be reused.</summary>
    private static async Task<List<(int Pid, DateTime Started)>> Pids(Dictionary<string, string?> environment) =>
        [.. (await LocalCluster.RunScript(environment, "status"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => int.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture))
            .Select(pid => (pid, StartedAt(pid) ?? throw new InvalidOperationException($"{pid} is not running")))];

    /// <summary>True while that very process runs: the same pid with another start time is a new process.</summary>
    private static bool Alive((int Pid, DateTime Started) process) => StartedAt(process.Pid) == process.Started;

    /// <summary>When the process with this pid started; null when none runs (exited, reaped or not).</summary>
    private static DateTime? StartedAt(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            if (stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z'))
            {
                return null;
            }

            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return process.HasExited ? null : process.StartTime;
        }
        catch (IOException)
        {
            return null;
        }
        catch (Exception exception) when (exception is ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }
}
