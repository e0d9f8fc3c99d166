using System.Net;
using BeatOrleans.Contracts;
using BeatOrleans.Hosting.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;

namespace BeatOrleans.Hosting;

public static class SiloBuilderExtensions
{
    /// <summary>
    /// Everything a BeatOrleans silo needs, shared by the stand-alone silo and the API's co-hosted one:
    /// clustering, storage, streams, and the grain classes of the domains it hosts (and no others).
    /// </summary>
    public static ISiloBuilder AddBeatOrleansSilo(this ISiloBuilder silo, IConfiguration configuration, SiloHostingOptions options)
    {
        var hosted = Domains.Parse(options.Domains);
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = options.ClusterId;
            o.ServiceId = options.ServiceId;
        });
        silo.UseLocalhostClustering(
            options.SiloPort,
            options.GatewayPort,
            new IPEndPoint(IPAddress.Loopback, options.PrimarySiloPort),
            options.ServiceId,
            options.ClusterId);

        silo.AddSqliteGrainStorage(options.SqliteConnectionString);
        silo.AddMemoryStreams(StorageNames.Events);

        foreach (var domain in hosted)
        {
            domain.AddServices(silo.Services, configuration);
        }

        // A silo must not activate another domain's grains. Removing their classes (never clearing the list:
        // it also holds Orleans' own grains) makes the cluster place them on silos that do host them.
        var excluded = Domains.All.Except(hosted).Select(d => d.GrainAssembly).ToHashSet();
        silo.Services.PostConfigure<GrainTypeOptions>(o => o.Classes.RemoveWhere(type => excluded.Contains(type.Assembly)));
        return silo;
    }

    /// <summary>Reads <see cref="SiloHostingOptions"/> from the <c>Silo</c> section and the SQLite connection string.</summary>
    public static SiloHostingOptions GetSiloHostingOptions(this IConfiguration configuration)
    {
        var options = configuration.GetSection("Silo").Get<SiloHostingOptions>() ?? new SiloHostingOptions();
        options.SqliteConnectionString = configuration.GetConnectionString("Sqlite") ?? options.SqliteConnectionString;
        return options;
    }
}
