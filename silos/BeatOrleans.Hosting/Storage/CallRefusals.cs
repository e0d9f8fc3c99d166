using BeatOrleans.Contracts;
using Orleans.Runtime.Messaging;

namespace BeatOrleans.Hosting.Storage;

/// <summary>
/// How a grain call fails when no grain ran it. One definition for the silos, which pass such a failure met further
/// down as <see cref="CallFailedAfterRunningException"/> (the call that met it had run), and for the API, which
/// invites a repeat (<c>Retry-After</c>) only for its own calls that failed so.
/// </summary>
public static class CallRefusals
{
    /// <summary>
    /// Refused before any grain ran it: an activation being replaced after a failed write, a message the cluster
    /// rejected, a silo that could not be connected to, no live silo that hosts the grain.
    /// </summary>
    public static bool RefusedBeforeRunning(Exception exception) =>
        exception is StateNotSavedException or OrleansMessageRejectionException or ConnectionFailedException
        || IsNoSiloForGrain(exception);

    /// <summary>No live silo hosts the grain type ("No active nodes are compatible with grain ...").</summary>
    public static bool IsNoSiloForGrain(Exception exception) =>
        exception is OrleansException && exception.Message.Contains("No active nodes", StringComparison.Ordinal);

    /// <summary>A store client's failure as an exception Orleans can carry (no codec reads the original).</summary>
    public static StorageUnavailableException Unavailable(Exception store) =>
        new($"{store.GetType().FullName}: {store.Message}");
}
