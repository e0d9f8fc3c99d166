using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BeatOrleans.Chat;

/// <summary>The chat domain as a silo loads it.</summary>
public static class ChatDomain
{
    public const string Name = "chat";

    public static IServiceCollection AddChatDomain(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }
}
