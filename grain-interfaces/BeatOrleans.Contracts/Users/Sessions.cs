namespace BeatOrleans.Contracts.Users;

[GenerateSerializer, Alias("users.PasswordChangeStatus")]
public enum PasswordChangeStatus
{
    Changed = 0,
    WrongPassword = 1,
    NotFound = 2,
    Throttled = 3,

    /// <summary>The password, or the account's sessions, changed between the check and the change: try again.</summary>
    Stale = 4,
}

/// <summary>What became of a password change, and how many of the account's other sessions it ended.</summary>
[GenerateSerializer, Immutable, Alias("users.PasswordChangeResult")]
public sealed record PasswordChangeResult(
    [property: Id(0)] PasswordChangeStatus Status,
    [property: Id(1)] int SessionsEnded,
    [property: Id(2)] TimeSpan? RetryAfter);

/// <summary>
/// Changes a password: counts wrong guesses, checks the current password and hashes the new one, then has the account
/// store it. Stateless, so the two hashes (hundreds of milliseconds, more when the hashing queue is busy) hold no
/// account's turn: its profile reads and refreshes go on meanwhile.
/// </summary>
[Alias("users.IPasswordChangeGrain")]
public interface IPasswordChangeGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Changes the password of <paramref name="userId"/> once <paramref name="currentPassword"/> is checked, and ends
    /// every session of the account but <paramref name="keepSessionId"/> (the caller's). Wrong guesses are counted
    /// per session and per account, and throttled.
    /// </summary>
    [Alias("ChangePassword")]
    Task<PasswordChangeResult> ChangePassword(
        string userId, string keepSessionId, string currentPassword, string newPassword);
}
