using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;
using BeatOrleans.Integration.Tests.Observability;

namespace BeatOrleans.Integration.Tests;

/// <summary>One process of a cluster as <c>scripts/cluster.sh status</c> lists it.</summary>
public sealed record ClusterProcess(string Name, int Pid, Uri? BaseUrl);

/// <summary>
/// A whole cluster as separate processes (one silo per domain, two API nodes), started by scripts/cluster.sh on the
/// test run's Redis and a PostgreSQL database of its own, with a cluster id no other fixture uses.
/// </summary>
public sealed class LocalCluster : IAsyncLifetime
{
    private readonly string directory = Directory.CreateTempSubdirectory("beatorleans-cluster-").FullName;
    private readonly string database = $"bo_it_{Guid.NewGuid():N}"[..20];

    public string ClusterId { get; } = $"it-{Guid.NewGuid():N}"[..16];

    public string OperatorPassword { get; } = Guid.NewGuid().ToString("N");

    public string PostgresConnectionString => new NpgsqlConnectionStringBuilder(TestServers.Postgres) { Database = database }.ConnectionString;

    /// <summary>The cluster's payment provider: the Stripe adapter against the local fake, as a deployment with Stripe keys runs.</summary>
    public FakeStripe Stripe { get; private set; } = null!;

    /// <summary>Where every process of the cluster exports its spans (OTLP), as to an operator's collector.</summary>
    public OtlpReceiver Traces { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Stripe = await FakeStripe.Start();
        Traces = await OtlpReceiver.Start();
        await using (var admin = new NpgsqlConnection(TestServers.Postgres))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {database}", admin);
            await create.ExecuteNonQueryAsync();
        }

        await Run("up");
        Stripe.Webhooks.Endpoint = new Uri(await Api(1), "/api/payments/stripe/webhook");
    }

    public async Task DisposeAsync()
    {
        await Run("down", "--purge");
        await Stripe.DisposeAsync();
        await Traces.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(TestServers.Postgres);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {database} WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }

    public async Task<IReadOnlyList<ClusterProcess>> Status()
    {
        var output = await Run("status");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(parts => parts.Length >= 2 && int.TryParse(parts[1], out _))
            .Select(parts => new ClusterProcess(parts[0], int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture),
                parts.Length > 2 ? new Uri(parts[2]) : null))
            .ToList();
    }

    public async Task<ClusterProcess> Process(string name) =>
        (await Status()).SingleOrDefault(p => p.Name == name) ?? throw new InvalidOperationException($"{name} is not running.");

    public async Task<Uri> Api(int node) => (await Process($"api-{node}")).BaseUrl!;

    /// <summary>The base URL of a process: an API node's API, a silo's health endpoints.</summary>
    public async Task<Uri> Url(string name) => new((await Run("url", name)).Trim());

    /// <summary>Where Prometheus scrapes a process: an API node's metrics port, a silo's health port.</summary>
    public async Task<Uri> Metrics(string name) => new((await Run("metrics", name)).Trim());

    /// <summary>The silo port of the silo <paramref name="name"/>, from how the cluster script starts it.</summary>
    public async Task<int> SiloPort(string name)
    {
        var command = await File.ReadAllTextAsync(Path.Combine(directory, "procs", $"{name}.cmd"));
        var port = System.Text.RegularExpressions.Regex.Match(command, @"--Silo:SiloPort=(\d+)");
        return port.Success
            ? int.Parse(port.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"{name}.cmd names no silo port");
    }

    /// <summary>What a process wrote to its log so far.</summary>
    public async Task<string> Log(string name) => await File.ReadAllTextAsync(Path.Combine(directory, "logs", $"{name}.log"));

    /// <summary>SIGKILL, as a crash: no graceful leave from the cluster.</summary>
    public async Task Kill(string name) => await Run("kill", name);

    /// <summary>SIGTERM, as an orderly stop.</summary>
    public async Task Stop(string name) => await Run("stop", name);

    /// <summary>Starts a stopped or killed process again with its original settings and waits until it is ready.</summary>
    public async Task Start(string name) => await Run("start", name);

    /// <summary>Starts one more silo of a domain; answers its process name.</summary>
    public async Task<string> AddSilo(string domain) => (await Run("add", domain)).Trim().Split('\n')[^1].Trim();

    private async Task<string> Run(params string[] arguments)
    {
        var environment = new Dictionary<string, string?>
        {
            ["CLUSTER_DIR"] = directory,
            ["CLUSTER_ID"] = ClusterId,
            ["CLUSTER_REDIS"] = TestServers.Redis,
            ["CLUSTER_POSTGRES"] = PostgresConnectionString,
            ["CLUSTER_BASE_PORT"] = BasePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["CLUSTER_OPERATOR_PASSWORD"] = OperatorPassword,
            ["CLUSTER_RATE_LIMIT"] = "100000",
            // Tests under load update profiles and upload far faster than one user would.
            ["RateLimits__ProfileChangesPerUserPerMinute"] = "100000",
            ["RateLimits__UploadsPerUserPerHour"] = "100000",
            // The cluster keeps audio in the S3-compatible server, as a deployment would.
            // Catalog silos: ffprobe starts 3 s late, so a test can crash a silo mid-processing, and a beat's sync reminder
            // fires every 5 s instead of every minute, so the recovery shows within a test's patience.
            ["Media__FFmpegFolder"] = SlowFFmpegFolder.Value,
            ["Catalog__SyncPeriod"] = "00:00:05",
            // Purchasing silos pay through the Stripe adapter (the fake in this process); API nodes verify its webhooks.
            // Purchases reconcile every 5 s, so a crash's recovery shows within a test's patience.
            ["Payments__Provider"] = "stripe",
            ["Payments__Stripe__SecretKey"] = Stripe.SecretKey,
            ["Payments__Stripe__WebhookSecret"] = Stripe.WebhookSecret,
            ["Payments__Stripe__ApiBase"] = Stripe.ApiBase.ToString(),
            ["Payments__Stripe__RequestTimeout"] = "00:00:20",
            ["Purchasing__ReconcilePeriod"] = "00:00:05",
            ["Purchasing__RetryPeriod"] = "00:00:02",
            // Every process records spans and sends them to the receiver in this process, flushing each second.
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Traces.Endpoint.ToString().TrimEnd('/'),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "1000",
            ["CLUSTER_S3"] = Environment.GetEnvironmentVariable("BEATORLEANS_TEST_S3"),
            ["CLUSTER_S3_BUCKET"] = Environment.GetEnvironmentVariable("BEATORLEANS_TEST_S3_BUCKET"),
            ["CLUSTER_S3_ACCESS_KEY"] = Environment.GetEnvironmentVariable("BEATORLEANS_TEST_S3_ACCESS_KEY"),
            ["CLUSTER_S3_SECRET_KEY"] = Environment.GetEnvironmentVariable("BEATORLEANS_TEST_S3_SECRET_KEY"),
        };
        return await RunScript(environment, arguments);
    }

    /// <summary>
    /// Runs scripts/cluster.sh with the built binaries (no build) and the given environment (a null value removes the
    /// variable); its output, or an exception naming the failure.
    /// </summary>
    internal static async Task<string> RunScript(Dictionary<string, string?> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(TestServers.RepositoryRoot, "scripts", "cluster.sh"), .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = TestServers.RepositoryRoot,
        };
        start.Environment["CLUSTER_CONFIGURATION"] = TestServers.BuildConfiguration;
        start.Environment["CLUSTER_NO_BUILD"] = "1";
        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"cluster.sh {string.Join(' ', arguments)} exited {process.ExitCode}:\n{await stdout}\n{await stderr}");
        }

        return await stdout;
    }

    private static readonly Lazy<string> SlowFFmpegFolder = new(SlowFFmpeg.Folder);

    private int BasePort { get; } = FreePortRange();

    /// <summary>A base port whose next 100 ports are free now (cluster.sh lays its processes out above it).</summary>
    internal static int FreePortRange()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            // Below Linux's ephemeral range (32768+): outgoing connections never take these ports meanwhile.
            var candidate = Random.Shared.Next(200, 320) * 100;
            if (Enumerable.Range(candidate, 100).All(IsFree))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("No free range of 100 loopback ports.");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}

[CollectionDefinition(Name)]
public sealed class LocalClusterGroup : ICollectionFixture<LocalCluster>
{
    public const string Name = "local cluster";
}
