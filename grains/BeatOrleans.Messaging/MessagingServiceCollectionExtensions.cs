using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace BeatOrleans.Messaging;

public static class MessagingServiceCollectionExtensions
{
    /// <summary>
    /// The RabbitMQ bridge on a silo: the relay grain's publisher and the inbound consumer. Without
    /// <c>ConnectionStrings:RabbitMq</c> it is off: the relay confirms at once and nothing connects.
    /// </summary>
    public static IServiceCollection AddRabbitMqBridge(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<BridgeOptions>()
            .Bind(configuration.GetSection(BridgeOptions.Section))
            .Configure(o => o.ConnectionString = configuration.GetConnectionString("RabbitMq"))
            .Validate(o => !o.Enabled || Uri.TryCreate(o.ConnectionString, UriKind.Absolute, out var uri) && uri.Scheme is "amqp" or "amqps",
                "ConnectionStrings:RabbitMq must be an amqp:// or amqps:// URI.")
            .Validate(o => o.Prefetch >= 1 && o.DeliveryLimit >= 1 && o.PublishChannels >= 1 && o.PublishTimeout > TimeSpan.Zero,
                $"{BridgeOptions.Section}: Prefetch, DeliveryLimit and PublishChannels must be at least 1, PublishTimeout positive.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<BrokerConnection>();
        services.AddSingleton<EventPublisher>();
        services.AddSingleton<InboundHandlers>();
        services.AddHostedService<InboundConsumer>();
        return services;
    }

    /// <summary>A readiness entry "rabbitmq" (degraded while unreachable) when the bridge is on.</summary>
    public static IHealthChecksBuilder AddBrokerCheck(this IHealthChecksBuilder checks, IConfiguration configuration, params string[] tags) =>
        string.IsNullOrWhiteSpace(configuration.GetConnectionString("RabbitMq"))
            ? checks
            : checks.AddCheck<BrokerHealthCheck>("rabbitmq", HealthStatus.Degraded, tags);
}
