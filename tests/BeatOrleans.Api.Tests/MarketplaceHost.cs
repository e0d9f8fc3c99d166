using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using BeatOrleans.Api.Tests.Contract;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace BeatOrleans.Api.Tests;

/// <summary>
/// The real API host (embedded profile: co-hosted silo, SQLite) on Kestrel at a random loopback port, with
/// a data folder of its own. <see cref="Restart"/> starts a new host on the same data, as a process restart would.
/// </summary>
public class MarketplaceHost : IAsyncLifetime
{
    private readonly Dictionary<string, string?> settings;
    private readonly Action<IServiceCollection>? services;
    private readonly Action<KestrelServerOptions>? listen;
    private HostFactory factory;

    public MarketplaceHost() : this([])
    {
    }

    /// <param name="overrides">Settings over the defaults below.</param>
    /// <param name="services">Services over the host's own (e.g. a clock the test moves), registered last.</param>
    /// <param name="listen">Where Kestrel listens instead of a random loopback port.</param>
    protected MarketplaceHost(Dictionary<string, string?> overrides, Action<IServiceCollection>? services = null, Action<KestrelServerOptions>? listen = null)
    {
        this.services = services;
        this.listen = listen;
        DataDirectory = Directory.CreateTempSubdirectory("beatorleans-api-tests-").FullName;
        settings = new Dictionary<string, string?>
        {
            ["Urls"] = "http://127.0.0.1:0",
            ["ConnectionStrings:Sqlite"] = $"Data Source={Path.Combine(DataDirectory, "beatorleans.db")}",
            ["Auth:Jwt:SigningKeyFile"] = Path.Combine(DataDirectory, "jwt-signing.key"),
            ["RateLimits:CredentialsPerClientPerMinute"] = "10000",
            ["RateLimits:MessagesPerUserPer10Seconds"] = "10000",
            ["RateLimits:UploadsPerUserPerHour"] = "10000",
            ["RateLimits:ProfileChangesPerUserPerMinute"] = "10000",
            ["Blobs:LocalRoot"] = Path.Combine(DataDirectory, "blobs"),
            ["Media:FFmpegFolder"] = Environment.GetEnvironmentVariable("BEATORLEANS_TEST_FFMPEG") ?? "",
            ["Catalog:PlaysListingDelay"] = "00:00:01",
        };
        foreach (var (key, value) in overrides)
        {
            settings[key] = value;
        }

        factory = NewFactory();
    }

    public string DataDirectory { get; }

    /// <summary>The local blob store's folder.</summary>
    public string BlobRoot => Path.Combine(DataDirectory, "blobs");

    /// <summary>The keys the local blob store holds for a beat (each key of a beat has its id as a folder).</summary>
    public IReadOnlyList<string> BeatFiles(string beatId) => Directory.Exists(BlobRoot)
        ? [.. Directory.EnumerateFiles(BlobRoot, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(Path.GetDirectoryName(f)) == beatId)
            .Select(f => Path.GetRelativePath(BlobRoot, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal)]
        : [];

    public Uri BaseAddress => factory.ClientOptions.BaseAddress;

    /// <summary>Every answer this host's clients got, checked against the committed OpenAPI document.</summary>
    public ContractLog Contract { get; } = new();

    /// <summary>
    /// A client as WebApplicationFactory makes it (redirects, cookies), whose answers are checked against the contract:
    /// an answer the committed OpenAPI document does not declare fails the test that received it.
    /// </summary>
    public HttpClient CreateClient() => factory.CreateDefaultClient(
        factory.ClientOptions.BaseAddress, new RedirectHandler(), new CookieContainerHandler(), new ContractRecorder(() => BaseAddress, Contract));

    public IServiceProvider Services => factory.Services;

    public async Task InitializeAsync() => await Start();

    /// <summary>Stops the host and starts a fresh one on the same data folder, with <paramref name="changes"/> to its settings (null removes one).</summary>
    public Task Restart(IReadOnlyDictionary<string, string?> changes)
    {
        foreach (var (key, value) in changes)
        {
            if (value is null)
            {
                settings.Remove(key);
            }
            else
            {
                settings[key] = value;
            }
        }

        return Restart();
    }

    /// <summary>Stops the host and starts a fresh one on the same data folder.</summary>
    /// <returns>How long the stop took (the start not counted).</returns>
    public async Task<TimeSpan> Restart()
    {
        var stopping = System.Diagnostics.Stopwatch.StartNew();
        await factory.DisposeAsync();
        var stopped = stopping.Elapsed;
        factory = NewFactory();
        await Start();
        return stopped;
    }

    /// <summary>
    /// Starts the host. Its silo and gateway ports were free when picked, but another host starting beside it (test
    /// classes run in parallel) may take one before the silo binds it: then it starts again on new ports.
    /// </summary>
    private async Task Start()
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                factory.StartServer();
                return;
            }
            catch (Exception e) when (attempt < 3 && IsAddressInUse(e))
            {
                await factory.DisposeAsync();
                factory = NewFactory();
            }
        }
    }

    private static bool IsAddressInUse(Exception e) =>
        e is Microsoft.AspNetCore.Connections.AddressInUseException
        || (e.InnerException is { } inner && IsAddressInUse(inner));

    public async Task DisposeAsync()
    {

        await factory.DisposeAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may hold the WAL file a moment longer; the OS temp folder is cleaned anyway.
        }
    }

    private HostFactory NewFactory()
    {
        // Each host gets its own silo and gateway ports so test classes can run side by side.
        var siloPort = FreePort();
        var perHost = new Dictionary<string, string?>(settings)
        {
            ["Silo:SiloPort"] = siloPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Silo:PrimarySiloPort"] = siloPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Silo:GatewayPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        var created = new HostFactory(perHost, services);
        if (listen is null)
        {
            created.UseKestrel(0);
        }
        else
        {
            created.UseKestrel(listen);
        }

        return created;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class HostFactory(Dictionary<string, string?> settings, Action<IServiceCollection>? services) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }

            if (services is not null)
            {
                builder.ConfigureTestServices(services);
            }
        }
    }
}
