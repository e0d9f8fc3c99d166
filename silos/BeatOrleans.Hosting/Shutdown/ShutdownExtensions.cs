using BeatOrleans.Hosting.Health;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace BeatOrleans.Hosting.Shutdown;

public static class ShutdownExtensions
{
    /// <summary>
    /// SIGTERM stops the process in order: readiness 503 and the drain delay, requests in flight, then Kestrel and
    /// Orleans (the silo leaves the cluster), all within <c>Shutdown:Timeout</c>.
    /// </summary>
    public static IServiceCollection AddGracefulShutdown(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ShutdownOptions>()
            .Bind(configuration.GetSection(ShutdownOptions.Section))
            .Validate(o => o.Problems().Count == 0, $"{ShutdownOptions.Section}: DrainDelay must not be negative and Timeout must be longer than it.")
            .ValidateOnStart();
        services.AddOptions<HostOptions>().Configure<IOptions<ShutdownOptions>>((host, shutdown) => host.ShutdownTimeout = shutdown.Value.Timeout);
        services.AddSingleton<ShutdownState>();
        services.AddSingleton<InFlightRequests>();
        services.AddHostedService<GracefulShutdown>();
        services.AddHealthChecks().AddCheck<ShutdownHealthCheck>("shutdown", tags: [HealthChecksExtensions.ReadyTag]);
        return services;
    }

    /// <summary>Early in the pipeline, so every request that reaches the application is counted.</summary>
    public static IApplicationBuilder UseGracefulShutdown(this IApplicationBuilder app)
    {
        var requests = app.ApplicationServices.GetRequiredService<InFlightRequests>();
        return app.Use(requests.Track);
    }
}
