namespace BeatOrleans.Hosting.Shutdown;

/// <summary>Section <c>Shutdown</c>: how a process stops on SIGTERM (a Kubernetes pod deletion, <c>podman stop</c>, Ctrl-C).</summary>
public sealed class ShutdownOptions
{
    public const string Section = "Shutdown";

    /// <summary>
    /// How long readiness answers 503 while requests are still served, before the process stops taking new ones: long
    /// enough for a load balancer or a Kubernetes Service to notice (its probe period times its failure threshold).
    /// Zero where nothing balances over the process (a silo, a single node).
    /// </summary>
    public TimeSpan DrainDelay { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// The longest the whole stop may take: the drain, requests in flight, then the silo's leave (its grains deactivate
    /// and store their state, membership marks it dead). Keep it below the grace period of whatever sends SIGTERM
    /// (Kubernetes <c>terminationGracePeriodSeconds</c>, <c>podman stop -t</c>), which then sends SIGKILL.
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (DrainDelay < TimeSpan.Zero)
        {
            problems.Add($"{Section}:DrainDelay must not be negative.");
        }

        if (Timeout <= DrainDelay)
        {
            problems.Add($"{Section}:Timeout must be longer than {Section}:DrainDelay (requests in flight and the silo's leave follow the drain).");
        }

        return problems;
    }
}
