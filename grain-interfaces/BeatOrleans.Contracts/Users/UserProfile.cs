namespace BeatOrleans.Contracts.Users;

/// <summary>A user's own view of their account; the public view leaves out the email.</summary>
[GenerateSerializer, Immutable, Alias("users.UserProfile")]
public sealed record UserProfile(
    [property: Id(0)] string UserId,
    [property: Id(1)] string Username,
    [property: Id(2)] string Email,
    [property: Id(3)] string Bio,
    [property: Id(4)] IReadOnlyList<string> PurchasedBeats,
    [property: Id(5)] DateTimeOffset CreatedAt);
