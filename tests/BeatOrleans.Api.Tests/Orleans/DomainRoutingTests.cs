using BeatOrleans.Api.Orleans;
using BeatOrleans.Contracts;
using BeatOrleans.Contracts.Catalog;
using BeatOrleans.Contracts.Chat;
using BeatOrleans.Contracts.Events;
using BeatOrleans.Contracts.Notifications;
using BeatOrleans.Contracts.Purchasing;
using BeatOrleans.Contracts.Users;
using BeatOrleans.Hosting;

namespace BeatOrleans.Api.Tests.Orleans;

/// <summary>
/// An API node in the cluster profile sends a grain call through the client of the domain its interface belongs to,
/// whose gateways are the silos hosting the grain classes that implement the domain's interfaces.
/// </summary>
public sealed class DomainRoutingTests
{
    [Theory]
    [InlineData(typeof(IUserGrain), "users")]
    [InlineData(typeof(ISessionGrain), "users")]
    [InlineData(typeof(INodeCachesGrain), "users")]
    [InlineData(typeof(IConversationGrain), "chat")]
    [InlineData(typeof(IBeatGrain), "catalog")]
    [InlineData(typeof(ICatalogSearchGrain), "catalog")]
    [InlineData(typeof(IPurchaseGrain), "purchasing")]
    [InlineData(typeof(IOfferGrain), "purchasing")]
    [InlineData(typeof(IInboxGrain), "notifications")]
    [InlineData(typeof(IUserPushGrain), "notifications")]
    public void A_domain_contract_routes_to_its_domain(Type grainInterface, string domain) =>
        Assert.Equal(domain, Domains.All[DomainGrainFactory.DomainOf(grainInterface)].Name);

    [Theory]
    [InlineData(typeof(IEventRelayGrain))]
    [InlineData(typeof(IManagementGrain))]
    public void Shared_and_Orleans_grains_go_through_the_main_client(Type grainInterface) =>
        Assert.Equal(-1, DomainGrainFactory.DomainOf(grainInterface));

    /// <summary>
    /// A domain's client connects to the silos hosting any of the domain's interfaces; a grain class implementing
    /// another domain's interface would make its silo a gateway of that domain too, and forward its calls again.
    /// </summary>
    [Fact]
    public void Every_grain_class_implements_contracts_of_its_own_domain_only()
    {
        var contracts = typeof(StorageNames).Assembly;
        var strays = new List<string>();
        foreach (var (domain, index) in Domains.All.Select((d, i) => (d, i)))
        {
            var grainClasses = domain.GrainAssembly.GetTypes()
                .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IGrain).IsAssignableFrom(t))
                .ToList();
            foreach (var grainClass in grainClasses)
            {
                strays.AddRange(grainClass.GetInterfaces()
                    .Where(i => i.Assembly == contracts
                        && DomainGrainFactory.DomainOf(i) is var owner and >= 0 && owner != index)
                    .Select(i => $"{grainClass.Name} ({domain.Name}) implements {i.Name}"));
            }

            Assert.Contains(grainClasses,
                g => g.GetInterfaces().Any(i => i.Assembly == contracts && DomainGrainFactory.DomainOf(i) == index));
        }

        Assert.True(strays.Count == 0, string.Join("; ", strays));
    }
}
