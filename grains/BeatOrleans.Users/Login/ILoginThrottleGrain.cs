using Orleans.Concurrency;

namespace BeatOrleans.Users.Login;

/// <summary>
/// Counts failed logins to slow down guessing: of one account (keyed by normalized email), or of one account from one
/// client (the email and the client's address).
/// </summary>
[Alias("users.ILoginThrottleGrain")]
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

    /// <summary>Forgets failures after a successful login.</summary>
    [Alias("Reset")]
    Task Reset();
}
