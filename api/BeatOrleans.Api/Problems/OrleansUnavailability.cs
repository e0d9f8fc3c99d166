using BeatOrleans.Contracts;
using BeatOrleans.Hosting.Storage;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;

namespace BeatOrleans.Api.Problems;

/// <summary>Recognises the ways an Orleans call fails when the silos of a domain are down or unreachable.</summary>
public static class OrleansUnavailability
{
    public static bool Matches(Exception exception) => IsSiloLoss(exception) || exception switch
    {
        _ when CallRefusals.IsNoSiloForGrain(exception) => true,
        // A client that has never seen a silo of that domain cannot resolve the grain class at all.
        ArgumentException argument when argument.Message.Contains("implementation", StringComparison.OrdinalIgnoreCase)
            && argument.Message.Contains("interface", StringComparison.OrdinalIgnoreCase) => true,
        AggregateException aggregate => aggregate.InnerExceptions.Any(Matches),
        _ => exception.InnerException is { } inner && Matches(inner),
    };

    /// <summary>
    /// The call never reached a live activation, or its answer was lost: the silo, its connection or the message is
    /// gone, the activation was being replaced after a failed state write (it ran nothing), or a grain the call
    /// called met one of these. Such a call may be repeated when repeating it is harmless (a read:
    /// <c>ReadRetryFilter</c>).
    /// </summary>
    public static bool IsSiloLoss(Exception exception) => exception switch
    {
        SiloUnavailableException or OrleansMessageRejectionException or ConnectionFailedException or TimeoutException
            or StateNotSavedException or CallFailedAfterRunningException => true,
        _ => exception.InnerException is { } inner && IsSiloLoss(inner),
    };
}
