namespace BeatOrleans.Testing;

/// <summary>
/// Stripe's idempotency for POSTs (API reference, "Idempotent requests"): the first answer to a key is saved and replayed
/// to any later request with the same key, endpoint and parameters; other parameters or another endpoint are an
/// idempotency_error; a request while the key's first one still runs is a 409. Answers to requests that failed
/// validation are not saved. Keys are forgotten after 24 hours.
/// </summary>
internal sealed class FakeStripeIdempotency(TimeProvider clock)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    private readonly Lock gate = new();
    private readonly Dictionary<string, Entry> entries = new(StringComparer.Ordinal);

    public async Task<(StripeAnswer Answer, bool Replayed, string? OriginalRequest)> Run(
        string key, string endpoint, string fingerprint, string requestId, Func<Task<StripeAnswer>> execute)
    {
        Entry entry;
        lock (gate)
        {
            if (entries.TryGetValue(key, out var known) && clock.GetUtcNow() - known.At > Lifetime)
            {
                entries.Remove(key);
                known = null;
            }
            if (known is not null)
            {
                var refusal = Refuse(known, key, endpoint, fingerprint);
                return refusal is null ? (known.Answer!, true, known.RequestId) : (refusal, false, null);
            }
            entry = new Entry(endpoint, fingerprint, requestId, clock.GetUtcNow());
            entries.Add(key, entry);
        }
        StripeAnswer answer;
        try
        {
            answer = await execute();
        }
        catch
        {
            Forget(key, entry);
            throw;
        }
        if (answer.Saved)
        {
            lock (gate)
            {
                entry.Answer = answer;
            }
        }
        else
        {
            Forget(key, entry);
        }
        return (answer, false, null);
    }

    private static StripeAnswer? Refuse(Entry known, string key, string endpoint, string fingerprint)
    {
        if (known.Answer is null)
        {
            return StripeAnswer.Error(
                409,
                "invalid_request_error",
                $"There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through): {key}. Please try again later.",
                "idempotency_key_in_use",
                saved: false);
        }
        if (known.Endpoint != endpoint)
        {
            return StripeAnswer.Error(400, "idempotency_error", $"Keys for idempotent requests can only be used for the same endpoint they were first used for ('{known.Endpoint}' vs '{endpoint}'). Try using a key other than '{key}' if you meant to execute a different request.", saved: false);
        }
        if (known.Fingerprint != fingerprint)
        {
            return StripeAnswer.Error(400, "idempotency_error", $"Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '{key}' if you meant to execute a different request.", saved: false);
        }
        return null;
    }

    private void Forget(string key, Entry entry)
    {
        lock (gate)
        {
            if (entries.TryGetValue(key, out var current) && current == entry)
            {
                entries.Remove(key);
            }
        }
    }

    private sealed class Entry(string endpoint, string fingerprint, string requestId, DateTimeOffset at)
    {
        public string Endpoint { get; } = endpoint;
        public string Fingerprint { get; } = fingerprint;
        public string RequestId { get; } = requestId;
        public DateTimeOffset At { get; } = at;
        public StripeAnswer? Answer { get; set; }
    }
}
