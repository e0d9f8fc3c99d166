namespace BeatOrleans.Contracts;

/// <summary>What the read methods of the grain interfaces share.</summary>
public static class Reads
{
    /// <summary>
    /// The response timeout of a <c>[ReadOnly]</c> grain method that answers a client's request (the default is
    /// 5 s). A read takes milliseconds; one that has no answer after this long was most likely lost with a silo that
    /// crashed while it was in flight (measured in <c>SiloLossTests</c>: a handful of requests in flight at a
    /// <c>kill -9</c> waited the full 5 s), and the API node retries a read that times out (<c>ReadRetryFilter</c>),
    /// so the client waits about this long instead. Orleans checks expiry once a second, so a call gives up between
    /// this and a second later.
    /// </summary>
    public const string ResponseTimeout = "00:00:01.5";
}
