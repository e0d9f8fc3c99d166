using BeatOrleans.Contracts.Chat;
using Orleans.Providers;
using BeatOrleans.Purchasing.Payments.Simulated;

namespace BeatOrleans.Grains.Tests;

/// <summary>
/// Failures a test switches on in the grain cluster, at the grain-call boundary of real components: the memory
/// stream's queue refusing events (a stream outage) and the payment provider's answer to a confirmation lost on its
/// way back (the capture happened; the caller never hears of it), or a cancellation it refuses. The grain tests run
/// one at a time (one collection).
/// </summary>
public static class Faults
{
    private static volatile Outage? outage;
    private static int confirmAnswersToLose;
    private static int cancelsToRefuse;
    private static string? chatAnswerToLose;

    /// <summary>Every stream publication fails while the returned outage is not disposed.</summary>
    public static Outage StreamOutage() => outage = new Outage();

    /// <summary>The next confirmation reaches the provider, which captures the payment, but its answer is lost.</summary>
    public static void LoseNextConfirmAnswer() => Interlocked.Exchange(ref confirmAnswersToLose, 1);

    /// <summary>
    /// The provider refuses the next cancellation without cancelling, as Stripe does while a payment the buyer's
    /// browser confirmed is still processing: the purchase closes with its cancel pending and the payment may still
    /// be captured.
    /// </summary>
    public static void RefuseNextCancel() => Interlocked.Exchange(ref cancelsToRefuse, 1);

    /// <summary>The next send to this chat is stored by its conversation, but its answer is lost on the way.</summary>
    public static void LoseNextChatSendAnswer(string chatId) => Volatile.Write(ref chatAnswerToLose, chatId);

    internal static async Task Apply(IIncomingGrainCallContext context)
    {
        var method = context.InterfaceMethod;
        if (method.DeclaringType == typeof(ISimulatedPaymentGrain)
            && method.Name == nameof(ISimulatedPaymentGrain.Cancel)
            && Interlocked.Exchange(ref cancelsToRefuse, 0) == 1)
        {
            context.Result = new SimulatedAnswer(null, "Processing: it cannot be canceled (test fault).");
            return;
        }

        if (outage is { } down && method.DeclaringType == typeof(IMemoryStreamQueueGrain) && method.Name == nameof(IMemoryStreamQueueGrain.Enqueue))
        {
            Interlocked.Increment(ref down.refusals);
            throw new InvalidOperationException("The stream is down (test fault).");
        }

        await context.Invoke();
        if (method.DeclaringType == typeof(IConversationGrain) && method.Name == nameof(IConversationGrain.Send)
            && Volatile.Read(ref chatAnswerToLose) is { } chatId && context.TargetId.Key.ToString() == chatId
            && Interlocked.CompareExchange(ref chatAnswerToLose, null, chatId) == chatId)
        {
            throw new TimeoutException("The conversation's answer was lost (test fault).");
        }

        if (method.DeclaringType == typeof(ISimulatedPaymentGrain) && method.Name == nameof(ISimulatedPaymentGrain.Confirm)
            && Interlocked.Exchange(ref confirmAnswersToLose, 0) == 1)
        {
            throw new TimeoutException("The provider's answer was lost (test fault).");
        }
    }

    public sealed class Outage : IDisposable
    {
        internal int refusals;

        /// <summary>Publications refused so far: proof that the code under test met the outage.</summary>
        public int Refused => Volatile.Read(ref refusals);

        public void Dispose() => outage = null;
    }
}
