namespace BeatOrleans.Contracts.Users;

/// <summary>The only fields a user may change on their profile; null leaves a field as it is.</summary>
[GenerateSerializer, Immutable, Alias("users.ProfileChanges")]
public sealed record ProfileChanges(
    [property: Id(0)] string? Username,
    [property: Id(1)] string? Email,
    [property: Id(2)] string? Bio);

[GenerateSerializer, Alias("users.ProfileUpdateStatus")]
public enum ProfileUpdateStatus
{
    Updated = 0,
    UsernameTaken = 1,
    EmailTaken = 2,
    NotFound = 3,
}

[GenerateSerializer, Immutable, Alias("users.ProfileUpdateResult")]
public sealed record ProfileUpdateResult(
    [property: Id(0)] ProfileUpdateStatus Status,
    [property: Id(1)] UserProfile? Profile);
