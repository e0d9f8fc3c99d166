using Orleans.Concurrency;

namespace BeatOrleans.Contracts.Users;

[GenerateSerializer, Alias("users.RefreshStatus")]
public enum RefreshStatus
{
    Rotated = 0,
    Invalid = 1,
    ReuseDetected = 2,
}

[GenerateSerializer, Immutable, Alias("users.RefreshOutcome")]
public sealed record RefreshOutcome(
    [property: Id(0)] RefreshStatus Status,
    [property: Id(1)] string? UserId,
    [property: Id(2)] string? RefreshSecret);

/// <summary>One login session, keyed by its session id; the access tokens it issues name it.</summary>
/// <remarks>Version 1 added <see cref="EndForAccount"/>.</remarks>
[Alias("users.ISessionGrain"), Orleans.CodeGeneration.Version(1)]
public interface ISessionGrain : IGrainWithStringKey
{
    /// <summary>Starts the session for a user and returns its first refresh secret.</summary>
    [Alias("Open")]
    Task<string> Open(string userId);

    /// <summary>Exchanges the current refresh secret for a new one; an old secret revokes the session.</summary>
    [Alias("Rotate")]
    Task<RefreshOutcome> Rotate(string refreshSecret);

    /// <summary>Ends the session: its access and refresh tokens stop working at once.</summary>
    [Alias("Revoke")]
    Task Revoke();

    /// <summary>
    /// Ends the session for its account (a password change, "log out everywhere"), as <see cref="Revoke"/> does
    /// without telling the account back; answers whether it was open. It interleaves with a refresh waiting for the
    /// account, which is what may be ending it.
    /// </summary>
    [AlwaysInterleave, Alias("EndForAccount")]
    Task<bool> EndForAccount();

    /// <summary>The session's user while it is open, else null.</summary>
    [ReadOnly, ResponseTimeout(Reads.ResponseTimeout), Alias("GetActiveUser")]
    Task<string?> GetActiveUser();
}
