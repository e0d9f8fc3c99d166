using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace BeatOrleans.Hosting.Shutdown;

/// <summary>Whether this process has begun to stop; readiness fails from that moment.</summary>
public sealed class ShutdownState
{
    private volatile bool draining;

    public bool Draining => draining;

    internal void BeginDraining() => draining = true;
}

/// <summary>A readiness entry that fails once the process is stopping, so load balancers send it nothing new.</summary>
internal sealed class ShutdownHealthCheck(ShutdownState state) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(state.Draining ? HealthCheckResult.Unhealthy("stopping") : HealthCheckResult.Healthy("running"));
}
