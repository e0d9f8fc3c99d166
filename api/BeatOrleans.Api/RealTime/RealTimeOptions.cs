namespace BeatOrleans.Api.RealTime;

/// <summary>Section <c>RealTime</c>: how live connections follow the sessions that opened them.</summary>
public sealed class RealTimeOptions
{
    public const string Section = "RealTime";

    /// <summary>
    /// How often a node asks whether the sessions of its connections are still open: the longest a connection
    /// outlives its session when the revocation signal is lost, or when the session simply expires.
    /// </summary>
    public TimeSpan SessionCheckInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a connection stays open while its session cannot be checked (the users domain is unreachable).</summary>
    public TimeSpan UncheckedSessionLimit { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Live connections (hub and WebSockets together) one user may hold on one API node: tabs and devices, not a loop
    /// that opens sockets until the node runs out of memory.
    /// </summary>
    public int MaxConnectionsPerUser { get; set; } = 20;
}
