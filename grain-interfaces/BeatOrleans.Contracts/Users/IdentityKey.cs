namespace BeatOrleans.Contracts.Users;

[GenerateSerializer, Alias("users.IdentityKind")]
public enum IdentityKind
{
    Username = 0,
    Email = 1,
}

/// <summary>A username or email as the uniqueness index keys it: compared case-insensitively.</summary>
[GenerateSerializer, Immutable, Alias("users.IdentityKey")]
public sealed record IdentityKey([property: Id(0)] IdentityKind Kind, [property: Id(1)] string Normalized)
{
    public static IdentityKey ForUsername(string username) => new(IdentityKind.Username, username.Trim().ToUpperInvariant());

    public static IdentityKey ForEmail(string email) => new(IdentityKind.Email, email.Trim().ToUpperInvariant());

    /// <summary>The grain key of the index entry: "username/NAME" or "email/ADDRESS".</summary>
    public string GrainKey => $"{Kind.ToString().ToLowerInvariant()}/{Normalized}";
}
