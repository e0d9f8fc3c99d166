using System.Text;

namespace BeatOrleans.Contracts.Users;

/// <summary>What a new account starts from; the password is hashed on the users silo.</summary>
[GenerateSerializer, Immutable, Alias("users.Signup")]
public sealed record Signup(
    [property: Id(0)] string Username,
    [property: Id(1)] string Email,
    [property: Id(2)] string Password)
{
    // Records print every member by default; a password must never reach a log line.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Username = ").Append(Username).Append(", Email = ").Append(Email);
        return true;
    }
}

[GenerateSerializer, Alias("users.SignupStatus")]
public enum SignupStatus
{
    Created = 0,
    UsernameTaken = 1,
    EmailTaken = 2,
    AlreadyRegistered = 3,
}

[GenerateSerializer, Immutable, Alias("users.SignupResult")]
public sealed record SignupResult(
    [property: Id(0)] SignupStatus Status,
    [property: Id(1)] UserProfile? Profile);
