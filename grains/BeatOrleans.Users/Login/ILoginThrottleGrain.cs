using Orleans.Concurrency;

namespace BeatOrleans.Users.Login;

/// <summary>
/// Counts failed logins to slow down guessing: of one account (keyed by normalized email), or of one account from one
/// client (the email and the client's address).
/// </summary>
[Alias("users.ILoginThrottleGrain")]
internal interface ILoginThrottleGrain : IGrainWithStringKey
{
    /// <summary>How long to wait for another attempt once <paramref name="limit"/> failures count, or null.</summary>
    [AlwaysInterleave, Alias("GetRetryAfterLimit")]
    Task<TimeSpan?> GetRetryAfter(int limit);

    /// <summary>Records one failed attempt.</summary>
    [Alias("RecordFailure")]
    Task RecordFailure();

    /// <summary>Forgets failures after a successful login.</summary>
    [Alias("Reset")]
    Task Reset();
}
