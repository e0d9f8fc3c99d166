using System.Collections.Concurrent;

namespace BeatOrleans.Testing;

/// <summary>What goes wrong with the next requests, in the order they arrive (any endpoint).</summary>
public sealed class FakeStripeFaults
{
    internal enum Kind { Fail, Hang, LoseResponse }

    internal sealed record Fault(Kind Kind, int Status);

    private readonly ConcurrentQueue<Fault> next = new();

    /// <summary>The next <paramref name="count"/> requests answer <paramref name="status"/> (500, 502, 503, 429) before Stripe executes them: nothing happens, nothing is saved for the idempotency key.</summary>
    public void FailNext(int count, int status = 500) => Add(count, new Fault(Kind.Fail, status));

    /// <summary>The next requests get no answer until the client gives up (its timeout): nothing happens.</summary>
    public void HangNext(int count) => Add(count, new Fault(Kind.Hang, 0));

    /// <summary>The next requests are executed (and saved for their idempotency key), then their answer never comes: a lost response.</summary>
    public void LoseResponseOfNext(int count) => Add(count, new Fault(Kind.LoseResponse, 0));

    internal Fault? Take() => next.TryDequeue(out var fault) ? fault : null;

    private void Add(int count, Fault fault)
    {
        for (var i = 0; i < count; i++)
        {
            next.Enqueue(fault);
        }
    }
}
