using Orleans.Concurrency;

namespace BeatOrleans.Users.Login;

/// <summary>
/// Counts failed logins to slow down guessing: of one account (keyed by normalized email), or of one account from one
/// client (the email and the client's address).
/// </summary>
/// <remarks>
/// Version 1 added <see cref="TryAttempt"/> and <see cref="Forgive"/>. During a rolling upgrade a login grain of the
/// previous release still calls <see cref="GetRetryAfter"/> and <see cref="RecordFailure"/>, which a version 1
/// activation answers (backward compatible); a version 1 call reaching a version 0 activation makes Orleans replace it
/// by a version 1 one. Those two go once no silo of the previous release is left.
/// </remarks>
[Alias("users.ILoginThrottleGrain"), Orleans.CodeGeneration.Version(1)]
internal interface ILoginThrottleGrain : IGrainWithStringKey
{
    /// <summary>
    /// Counts an attempt as a failure before its password is checked, unless <paramref name="limit"/> failures count
    /// already: then how long to wait. Counted first, concurrent attempts cannot all pass a check made before any of
    /// them failed (28 at once got 11 password checks past a limit of 5).
    /// </summary>
    [Alias("TryAttempt")]
    Task<TimeSpan?> TryAttempt(int limit);

    /// <summary>Takes back an attempt <see cref="TryAttempt"/> counted: it succeeded, or checked no password.</summary>
    [Alias("Forgive")]
    Task Forgive();

    /// <summary>Version 0: how long to wait once <paramref name="limit"/> failures count, or null.</summary>
    [AlwaysInterleave, Alias("GetRetryAfterLimit")]
    Task<TimeSpan?> GetRetryAfter(int limit);

    /// <summary>Version 0: records one failed attempt.</summary>
    [Alias("RecordFailure")]
    Task RecordFailure();

    /// <summary>Forgets failures after a successful login.</summary>
    [Alias("Reset")]
    Task Reset();
}
