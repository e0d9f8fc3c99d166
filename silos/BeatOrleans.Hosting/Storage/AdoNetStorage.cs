using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Configuration;
using Orleans.Storage;

namespace BeatOrleans.Hosting.Storage;

/// <summary>One named provider of Orleans' ADO.NET grain storage, writing state with Orleans' own serializer.</summary>
internal static class AdoNetStorage
{
    public static ISiloBuilder AddAdoNetStorage(this ISiloBuilder silo, string name, string invariant, string connectionString)
    {
        silo.AddAdoNetGrainStorage(name, options => options.Configure<IServiceProvider>((o, services) =>
        {
            o.Invariant = invariant;
            o.ConnectionString = connectionString;
            o.GrainStorageSerializer = services.GetRequiredService<OrleansGrainStorageSerializer>();
        }));
        silo.Services.TryAddSingleton<OrleansGrainStorageSerializer>();
        return silo;
    }
}
