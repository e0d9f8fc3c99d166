using System.Collections.Concurrent;
using BeatOrleans.Hosting;

namespace BeatOrleans.Api.Orleans;

/// <summary>
/// The API's grain factory in the cluster profile: a reference to a grain of a domain (its interface in
/// <c>BeatOrleans.Contracts.&lt;Domain&gt;</c>) sends its calls through that domain's own client, whose gateways
/// are the silos hosting the domain (<see cref="DomainClients"/>). An Orleans client otherwise spreads its calls over
/// every gateway by grain id, so in a cluster of per-domain silos most calls entered through a silo of another
/// domain, which forwarded them and their answers: measured at twice the CPU the call itself cost its own silo.
/// Everything else (observers, Orleans' own grains, references by <see cref="GrainId"/>) and any domain whose client
/// is not connected yet goes through the main client, exactly as before.
/// </summary>
public sealed class DomainGrainFactory(IClusterClient main) : IGrainFactory
{
    private readonly IGrainFactory?[] routes = new IGrainFactory?[Domains.All.Count];

    /// <summary>The domain a grain interface belongs to, as an index into <see cref="Domains.All"/>, or -1.</summary>
    public static int DomainOf(Type grainInterface) => DomainIndex.Of(grainInterface);

    /// <summary>
    /// From now on calls to <paramref name="domain"/>'s grains go through <paramref name="factory"/>
    /// (null: the main client).
    /// </summary>
    internal void Route(int domain, IGrainFactory? factory) => Volatile.Write(ref routes[domain], factory);

    /// <summary>The domains whose calls go through a client of their own now.</summary>
    public IReadOnlyList<string> RoutedDomains =>
        Domains.All.Where((_, i) => Volatile.Read(ref routes[i]) is not null).Select(d => d.Name).ToList();

    private IGrainFactory For<T>() => For(DomainOfType<T>.Index);

    private IGrainFactory For(Type grainInterface) => For(DomainIndex.Of(grainInterface));

    private IGrainFactory For(int domain) =>
        domain >= 0 && Volatile.Read(ref routes[domain]) is { } routed ? routed : main;

    public TGrainInterface GetGrain<TGrainInterface>(Guid primaryKey, string? grainClassNamePrefix = null)
        where TGrainInterface : IGrainWithGuidKey =>
        For<TGrainInterface>().GetGrain<TGrainInterface>(primaryKey, grainClassNamePrefix);

    public TGrainInterface GetGrain<TGrainInterface>(long primaryKey, string? grainClassNamePrefix = null)
        where TGrainInterface : IGrainWithIntegerKey =>
        For<TGrainInterface>().GetGrain<TGrainInterface>(primaryKey, grainClassNamePrefix);

    public TGrainInterface GetGrain<TGrainInterface>(string primaryKey, string? grainClassNamePrefix = null)
        where TGrainInterface : IGrainWithStringKey =>
        For<TGrainInterface>().GetGrain<TGrainInterface>(primaryKey, grainClassNamePrefix);

    public TGrainInterface GetGrain<TGrainInterface>(
        Guid primaryKey, string keyExtension, string? grainClassNamePrefix = null)
        where TGrainInterface : IGrainWithGuidCompoundKey =>
        For<TGrainInterface>().GetGrain<TGrainInterface>(primaryKey, keyExtension, grainClassNamePrefix);

    public TGrainInterface GetGrain<TGrainInterface>(
        long primaryKey, string keyExtension, string? grainClassNamePrefix = null)
        where TGrainInterface : IGrainWithIntegerCompoundKey =>
        For<TGrainInterface>().GetGrain<TGrainInterface>(primaryKey, keyExtension, grainClassNamePrefix);

    // An observer lives in the client that created it, and only that client can delete it: always the main one.
    public TGrainObserverInterface CreateObjectReference<TGrainObserverInterface>(IGrainObserver obj)
        where TGrainObserverInterface : IGrainObserver => main.CreateObjectReference<TGrainObserverInterface>(obj);

    public void DeleteObjectReference<TGrainObserverInterface>(IGrainObserver obj)
        where TGrainObserverInterface : IGrainObserver => main.DeleteObjectReference<TGrainObserverInterface>(obj);

    public IGrain GetGrain(Type grainInterfaceType, Guid grainPrimaryKey) =>
        For(grainInterfaceType).GetGrain(grainInterfaceType, grainPrimaryKey);

    public IGrain GetGrain(Type grainInterfaceType, long grainPrimaryKey) =>
        For(grainInterfaceType).GetGrain(grainInterfaceType, grainPrimaryKey);

    public IGrain GetGrain(Type grainInterfaceType, string grainPrimaryKey) =>
        For(grainInterfaceType).GetGrain(grainInterfaceType, grainPrimaryKey);

    public IGrain GetGrain(Type grainInterfaceType, Guid grainPrimaryKey, string keyExtension) =>
        For(grainInterfaceType).GetGrain(grainInterfaceType, grainPrimaryKey, keyExtension);

    public IGrain GetGrain(Type grainInterfaceType, long grainPrimaryKey, string keyExtension) =>
        For(grainInterfaceType).GetGrain(grainInterfaceType, grainPrimaryKey, keyExtension);

    public TGrainInterface GetGrain<TGrainInterface>(GrainId grainId)
        where TGrainInterface : IAddressable => main.GetGrain<TGrainInterface>(grainId);

    public IAddressable GetGrain(GrainId grainId) => main.GetGrain(grainId);

    public IAddressable GetGrain(GrainId grainId, GrainInterfaceType interfaceType) =>
        main.GetGrain(grainId, interfaceType);

    public IAddressable GetGrain(Type interfaceType, IdSpan grainKey, string grainClassNamePrefix) =>
        For(interfaceType).GetGrain(interfaceType, grainKey, grainClassNamePrefix);

    public IAddressable GetGrain(Type interfaceType, IdSpan grainKey) =>
        For(interfaceType).GetGrain(interfaceType, grainKey);

    private static class DomainOfType<T>
    {
        public static readonly int Index = DomainIndex.Of(typeof(T));
    }

    private static class DomainIndex
    {
        private const string ContractsNamespace = "BeatOrleans.Contracts.";
        private static readonly ConcurrentDictionary<Type, int> Known = new();

        public static int Of(Type grainInterface) => Known.GetOrAdd(grainInterface, static type =>
        {
            if (type.Namespace is not { } ns || !ns.StartsWith(ContractsNamespace, StringComparison.Ordinal))
            {
                return -1;
            }

            var name = ns[ContractsNamespace.Length..].Split('.')[0];
            for (var i = 0; i < Domains.All.Count; i++)
            {
                if (Domains.All[i].Name.Equals(name, StringComparison.OrdinalIgnoreCase))
                {
                    return i;
                }
            }

            return -1;
        });
    }
}
