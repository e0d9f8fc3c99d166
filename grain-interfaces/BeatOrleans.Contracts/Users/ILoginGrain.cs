namespace BeatOrleans.Contracts.Users;

[GenerateSerializer, Alias("users.LoginStatus")]
public enum LoginStatus
{
    Succeeded = 0,
    InvalidCredentials = 1,
    Throttled = 2,
}

[GenerateSerializer, Immutable, Alias("users.LoginOutcome")]
public sealed record LoginOutcome(
    [property: Id(0)] LoginStatus Status,
    [property: Id(1)] string? UserId,
    [property: Id(2)] string? Username,
    [property: Id(3)] string? SessionId,
    [property: Id(4)] string? RefreshSecret,
    [property: Id(5)] TimeSpan? RetryAfter);

/// <summary>Checks credentials and opens sessions; stateless, so it runs on whichever users silo is nearest.</summary>
[Alias("users.ILoginGrain")]
public interface ILoginGrain : IGrainWithIntegerKey
{
    /// <summary>Logs in by email and password, throttling repeated failures per account.</summary>
    [Alias("Login")]
    Task<LoginOutcome> Login(string email, string password);
}
