using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;

namespace BeatOrleans.Hosting.Membership;

/// <summary>
/// How fast the cluster declares a crashed silo dead (section <c>Orleans:Membership</c>, any
/// <see cref="ClusterMembershipOptions"/> property). Until it does, the grain directory still names the dead silo, so
/// every call to a grain that lived there fails: that window is what clients see of a crash.
/// </summary>
/// <remarks>
/// Orleans' defaults (probe every 5 s, three missed probes) are sized for clouds where a silo that does not answer
/// may only be slow. Measured here (<c>SiloLossTests</c>, two users silos, <c>kill -9</c> of one under load), they
/// left calls failing for 6-11 s after the crash. A crashed process refuses connections, so its probes fail at once
/// rather than timing out; probing every second declares it dead within about three. False suspicion stays guarded as
/// Orleans guards it: a probe's timeout adapts to measured round trips (phi accrual, between half and four times
/// <see cref="ClusterMembershipOptions.ProbeTimeout"/>), a silo that degraded locally (GC, a starved thread pool)
/// extends its timeouts, the last probe before a vote goes through another silo, and a silo whose connection
/// recently carried messages is not suspected at all.
/// </remarks>
public static class FailureDetection
{
    public const string Section = "Orleans:Membership";

    public static readonly TimeSpan DefaultProbeTimeout = TimeSpan.FromSeconds(1);

    public static IServiceCollection AddFailureDetection(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ClusterMembershipOptions>()
            .Configure(o => o.ProbeTimeout = DefaultProbeTimeout)
            .Bind(configuration.GetSection(Section));
        return services;
    }
}
