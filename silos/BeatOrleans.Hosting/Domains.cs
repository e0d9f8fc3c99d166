using System.Reflection;
using BeatOrleans.Catalog;
using BeatOrleans.Chat;
using BeatOrleans.Hosting.Startup;
using BeatOrleans.Notifications;
using BeatOrleans.Purchasing;
using BeatOrleans.Users;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace BeatOrleans.Hosting;

/// <summary>One domain as a silo hosts it: the assembly holding its grain classes and the services they need.</summary>
public sealed record Domain(string Name, Assembly GrainAssembly, Action<IServiceCollection, IConfiguration> AddServices);

public static class Domains
{
    /// <summary>Every domain this build knows; later domains add a line each.</summary>
    public static readonly IReadOnlyList<Domain> All =
    [
        new(UsersDomain.Name, typeof(UsersDomain).Assembly, (services, configuration) => services.AddUsersDomain(configuration)),
        new(ChatDomain.Name, typeof(ChatDomain).Assembly, (services, configuration) => services.AddChatDomain(configuration)),
        new(CatalogDomain.Name, typeof(CatalogDomain).Assembly, (services, configuration) => services.AddCatalogDomain(configuration)),
        new(PurchasingDomain.Name, typeof(PurchasingDomain).Assembly, (services, configuration) => services.AddPurchasingDomain(configuration)),
        new(NotificationsDomain.Name, typeof(NotificationsDomain).Assembly, (services, configuration) => services.AddNotificationsDomain(configuration)),
    ];

    /// <summary>Parses <c>Silo:Domains</c>: "all" or a comma-separated list of domain names.</summary>
    public static IReadOnlyList<Domain> Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Trim().Equals("all", StringComparison.OrdinalIgnoreCase))
        {
            return All;
        }

        var names = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var unknown = names.Where(n => !All.Any(d => d.Name.Equals(n, StringComparison.OrdinalIgnoreCase))).ToList();
        if (unknown.Count > 0)
        {
            throw new StartupSettingException(
                $"Silo:Domains names unknown domain(s) {string.Join(", ", unknown)}; known: all, {string.Join(", ", All.Select(d => d.Name))}.");
        }

        return All.Where(d => names.Contains(d.Name, StringComparer.OrdinalIgnoreCase)).ToList();
    }
}
