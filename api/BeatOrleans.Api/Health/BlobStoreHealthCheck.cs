using BeatOrleans.Catalog.Files.Blobs;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace BeatOrleans.Api.Health;

/// <summary>
/// Whether the audio store (local disk or S3) answers: one metadata read of a key that need not exist. Degraded,
/// never unhealthy, when it does not: browsing, chat and purchases keep working without it, so taking the node out of
/// a load balancer would only make things worse; uploads, previews and downloads answer 503 meanwhile.
/// </summary>
internal sealed class BlobStoreHealthCheck(IBlobStore store) : IHealthCheck
{
    public const string Name = "blobs";

    /// <summary>A key no blob is ever written to; asking its size costs one HEAD request on S3.</summary>
    private const string ProbeKey = "health/probe";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public async Task<HealthCheckResult> CheckHealthAsync(
        HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            await store.Size(ProbeKey, timeout.Token);
            return HealthCheckResult.Healthy("the audio store answers");
        }
        catch (Exception exception)
            when (exception is not OutOfMemoryException && !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Degraded($"the audio store does not answer ({exception.GetType().Name}); "
                + "uploads, previews and downloads are unavailable");
        }
    }
}
