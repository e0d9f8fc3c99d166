using Orleans.Concurrency;

namespace BeatOrleans.Users.Login;

/// <summary>Counts failed logins of one account (keyed by normalized email) to slow down guessing.</summary>
[Alias("users.ILoginThrottleGrain")]
internal interface ILoginThrottleGrain : IGrainWithStringKey
{
    /// <summary>How long the account must wait before another attempt, or null when it may try now.</summary>
    [AlwaysInterleave, Alias("GetRetryAfter")]
    Task<TimeSpan?> GetRetryAfter();

    /// <summary>Records one failed attempt.</summary>
    [Alias("RecordFailure")]
    Task RecordFailure();

    /// <summary>Forgets failures after a successful login.</summary>
    [Alias("Reset")]
    Task Reset();
}
