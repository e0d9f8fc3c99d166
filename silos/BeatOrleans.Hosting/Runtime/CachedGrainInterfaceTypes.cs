using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Metadata;
using Orleans.Runtime;
using Orleans.Serialization.TypeSystem;

namespace BeatOrleans.Hosting.Runtime;

/// <summary>
/// Orleans 10.4 resolves a grain interface's type id anew on every <c>GetGrain</c>, reading the interface's custom
/// attributes by reflection each time. Profiled on the embedded profile's <c>GET /api/users/profile</c> (two
/// <c>GetGrain</c> calls), that reflection was 4% of the process's CPU and half of <c>GetGrain</c>'s. The answer
/// depends only on the interface type, so this provider, asked first, keeps it: the first lookup per interface asks
/// Orleans' own providers and naming convention, every later one is a dictionary read.
/// </summary>
internal sealed class CachedGrainInterfaceTypes(IServiceProvider services) : IGrainInterfaceTypeProvider
{
    private readonly ConcurrentDictionary<Type, GrainInterfaceType> known = new();

    private readonly Lazy<GrainInterfaceTypeResolver> resolver = new(() => new GrainInterfaceTypeResolver(
        services.GetServices<IGrainInterfaceTypeProvider>().Where(p => p is not CachedGrainInterfaceTypes),
        services.GetRequiredService<TypeConverter>()));

    public bool TryGetGrainInterfaceType(Type type, out GrainInterfaceType grainInterfaceType)
    {
        grainInterfaceType = known.GetOrAdd(type, static (t, r) => r.Value.GetGrainInterfaceType(t), resolver);
        return true;
    }
}

public static class CachedGrainInterfaceTypesExtensions
{
    /// <summary>Registers the cache ahead of Orleans' own providers (the resolver asks them in registration order).</summary>
    public static IServiceCollection AddCachedGrainInterfaceTypes(this IServiceCollection services)
    {
        if (!services.Any(d => d.ImplementationType == typeof(CachedGrainInterfaceTypes)))
        {
            services.Insert(0, ServiceDescriptor.Singleton<IGrainInterfaceTypeProvider, CachedGrainInterfaceTypes>());
        }

        return services;
    }
}
