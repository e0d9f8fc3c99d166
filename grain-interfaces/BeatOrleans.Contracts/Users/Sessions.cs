namespace BeatOrleans.Contracts.Users;

[GenerateSerializer, Alias("users.PasswordChangeStatus")]
public enum PasswordChangeStatus
{
    Changed = 0,
    WrongPassword = 1,
    NotFound = 2,
    Throttled = 3,
}

/// <summary>What became of a password change, and how many of the account's other sessions it ended.</summary>
[GenerateSerializer, Immutable, Alias("users.PasswordChangeResult")]
public sealed record PasswordChangeResult(
    [property: Id(0)] PasswordChangeStatus Status,
    [property: Id(1)] int SessionsEnded,
    [property: Id(2)] TimeSpan? RetryAfter);
