using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BeatOrleans.Notifications;

/// <summary>The notifications domain as a silo loads it.</summary>
public static class NotificationsDomain
{
    public const string Name = "notifications";

    public static IServiceCollection AddNotificationsDomain(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }
}
