using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BeatOrleans.Outbox;

public static class OutboxServiceCollectionExtensions
{
    /// <summary>What every silo needs for the outboxes of its grains: options and the sweeper of the outbox index.</summary>
    public static IServiceCollection AddEventOutbox(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<OutboxOptions>()
            .Bind(configuration.GetSection(OutboxOptions.Section))
            .Validate(o => o.RetryPeriod > TimeSpan.Zero && o.SweepPeriod > TimeSpan.Zero,
                $"{OutboxOptions.Section}: RetryPeriod and SweepPeriod must be positive.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        // Until the host says otherwise (a later registration wins): events are recorded.
        services.TryAddSingleton(new OutboxDestination(true));
        services.AddHostedService<OutboxSweeper>();
        return services;
    }
}
