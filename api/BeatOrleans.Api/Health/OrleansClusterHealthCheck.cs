using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace BeatOrleans.Api.Health;

/// <summary>
/// Ready when the cluster answers and has at least one active silo. A cluster that is slow to answer (its membership
/// store, Redis, is down: calls go on but take seconds) is <c>Degraded</c>; one this node cannot reach at all is not
/// ready.
/// </summary>
internal sealed class OrleansClusterHealthCheck(IGrainFactory grains) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true, cancellationToken)
                .WaitAsync(TimeSpan.FromSeconds(3), CancellationToken.None);
            return hosts.Count > 0
                ? HealthCheckResult.Healthy($"{hosts.Count} active silo(s)")
                : HealthCheckResult.Unhealthy("No active silo");
        }
        catch (TimeoutException)
        {
            return HealthCheckResult.Degraded("The cluster is slow to answer (over 3 s)");
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"Cluster unreachable: {exception.GetType().Name}");
        }
    }
}
