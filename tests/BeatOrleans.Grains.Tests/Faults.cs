using Orleans.Providers;
using BeatOrleans.Purchasing.Payments.Simulated;

namespace BeatOrleans.Grains.Tests;

/// <summary>
/// Failures a test switches on in the grain cluster, at the grain-call boundary of real components: the memory
/// stream's queue refusing events (a stream outage) and the payment provider's answer to a confirmation lost on its
/// way back (the capture happened; the caller never hears of it). The grain tests run one at a time (one collection).
/// </summary>
public static class Faults
{
    private static volatile bool streamDown;
    private static int confirmAnswersToLose;

    /// <summary>Every stream publication fails while the returned scope is open.</summary>
    public static IDisposable StreamOutage()
    {
        streamDown = true;
        return new Scope(() => streamDown = false);
    }

    /// <summary>The next confirmation reaches the provider, which captures the payment, but its answer is lost.</summary>
    public static void LoseNextConfirmAnswer() => Interlocked.Exchange(ref confirmAnswersToLose, 1);

    internal static async Task Apply(IIncomingGrainCallContext context)
    {
        var method = context.InterfaceMethod;
        if (streamDown && method.DeclaringType == typeof(IMemoryStreamQueueGrain) && method.Name == nameof(IMemoryStreamQueueGrain.Enqueue))
        {
            throw new InvalidOperationException("The stream is down (test fault).");
        }

        await context.Invoke();
        if (method.DeclaringType == typeof(ISimulatedPaymentGrain) && method.Name == nameof(ISimulatedPaymentGrain.Confirm)
            && Interlocked.Exchange(ref confirmAnswersToLose, 0) == 1)
        {
            throw new TimeoutException("The provider's answer was lost (test fault).");
        }
    }

    private sealed class Scope(Action end) : IDisposable
    {
        public void Dispose() => end();
    }
}
