using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace BeatOrleans.Messaging;

/// <summary>
/// Degraded, never unhealthy, while RabbitMQ is unreachable: the marketplace keeps serving and events wait in the
/// grains' outboxes, so taking the node out of a load balancer would only make things worse.
/// </summary>
public sealed class BrokerHealthCheck(BrokerConnection broker) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var connection = await broker.Open(cancellationToken);
            return HealthCheckResult.Healthy($"connected to {connection.Endpoint}");
        }
        catch (BrokerUnavailableException exception)
        {
            return HealthCheckResult.Degraded($"{exception.Message}; events wait in the outboxes");
        }
    }
}
