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

    /// <summary>
    /// Logs in by email and password from <paramref name="client"/> (its address): repeated failures lock the account
    /// for that client, and many more from any clients lock it for all, so one client cannot lock its owner out.
    /// </summary>
    [Alias("LoginFrom")]
    Task<LoginOutcome> Login(string email, string password, string client);
}
