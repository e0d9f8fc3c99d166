using BeatOrleans.Hosting;

namespace BeatOrleans.Api.Orleans;

public static class OrleansHostingExtensions
{
    /// <summary>
    /// <c>Orleans:Mode=embedded</c> (the default) co-hosts a silo with every domain in this process;
    /// <c>cluster</c> makes the API a pure Orleans client of separately run silos.
    /// </summary>
    public static WebApplicationBuilder AddBeatOrleans(this WebApplicationBuilder builder)
    {
        var mode = builder.Configuration["Orleans:Mode"] ?? "embedded";
        if (mode.Equals("embedded", StringComparison.OrdinalIgnoreCase))
        {
            var options = builder.Configuration.GetSiloHostingOptions();
            builder.UseOrleans(silo => silo.AddBeatOrleansSilo(builder.Configuration, options));
            builder.Services.AddSingleton(new OrleansMode(Embedded: true));
        }
        else if (mode.Equals("cluster", StringComparison.OrdinalIgnoreCase))
        {
            var gatewayPort = builder.Configuration.GetValue("Orleans:GatewayPort", 30000);
            var clusterId = builder.Configuration["Silo:ClusterId"] ?? "beatorleans";
            var serviceId = builder.Configuration["Silo:ServiceId"] ?? "beatorleans";
            builder.UseOrleansClient(client => client.UseLocalhostClustering(gatewayPort, serviceId, clusterId));
            builder.Services.AddSingleton(new OrleansMode(Embedded: false));
        }
        else
        {
            throw new InvalidOperationException($"Orleans:Mode must be 'embedded' or 'cluster', not '{mode}'.");
        }

        return builder;
    }
}

/// <summary>Which profile this API node runs in.</summary>
public sealed record OrleansMode(bool Embedded);
