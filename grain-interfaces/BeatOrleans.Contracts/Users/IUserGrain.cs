using Orleans.Concurrency;

namespace BeatOrleans.Contracts.Users;

/// <summary>One marketplace account, keyed by its user id.</summary>
/// <remarks>
/// Version 1 added the account's sessions: <see cref="CheckPassword"/>, <see cref="SessionOpened"/>,
/// <see cref="SessionRefreshed"/>, <see cref="SetPassword"/>, <see cref="EndSessions"/> and
/// <see cref="SessionEnded"/>.
/// </remarks>
[Alias("users.IUserGrain"), Orleans.CodeGeneration.Version(1)]
public interface IUserGrain : IGrainWithStringKey
{
    /// <summary>Creates the account, claiming its username and email in the uniqueness index.</summary>
    [Alias("Register")]
    Task<SignupResult> Register(Signup signup);

    /// <summary>The account as its owner sees it, or null when no account has this id.</summary>
    [ReadOnly, ResponseTimeout(Reads.ResponseTimeout), Alias("GetProfile")]
    Task<UserProfile?> GetProfile();

    /// <summary>Checks a password against the stored hash, off the grain's scheduler.</summary>
    [ReadOnly, Alias("VerifyPassword")]
    Task<bool> VerifyPassword(string password);

    /// <summary>Changes username, email or bio, moving index claims without a gap.</summary>
    [Alias("UpdateProfile")]
    Task<ProfileUpdateResult> UpdateProfile(ProfileChanges changes);

    /// <summary>Whether the account's stored username or email is this key (index repair asks this).</summary>
    [AlwaysInterleave, Alias("Holds")]
    Task<bool> Holds(IdentityKey key);

    /// <summary>A purchase of this beat was completed: it joins the account's purchased_beats (once).</summary>
    [Alias("RecordPurchase")]
    Task RecordPurchase(string beatId);

    /// <summary>
    /// Checks a password against the stored hash; when it is right, answers the password's version, which
    /// <see cref="SessionOpened"/> takes back (null: wrong, or no such account).
    /// </summary>
    [ReadOnly, Alias("CheckPassword")]
    Task<int?> CheckPassword(string password);

    /// <summary>
    /// Records a session opened by a login whose password check answered <paramref name="passwordVersion"/>. False
    /// when the password changed since (or all sessions were ended): the session is revoked and the login fails.
    /// </summary>
    [Alias("SessionOpened")]
    Task<bool> SessionOpened(string sessionId, int passwordVersion);

    /// <summary>
    /// Asked by a session on each refresh: whether it may go on. A session the account does not list (one opened
    /// before sessions were recorded) is taken in, unless it was opened before the last password change or end of
    /// all sessions.
    /// </summary>
    [Alias("SessionRefreshed")]
    Task<bool> SessionRefreshed(string sessionId, DateTimeOffset openedAt);

    /// <summary>
    /// Stores a new password hash, if the password version is still <paramref name="passwordVersion"/> (the one
    /// <see cref="CheckPassword"/> answered for the current password), and ends every session of the account but
    /// <paramref name="keepSessionId"/> (the caller's). The hashing happens before, outside the account's turn:
    /// <see cref="IPasswordChangeGrain"/>.
    /// </summary>
    [Alias("SetPassword")]
    Task<PasswordChangeResult> SetPassword(int passwordVersion, string passwordHash, string keepSessionId);

    /// <summary>Ends every session of the account ("log out everywhere"); answers how many were open.</summary>
    [Alias("EndSessions")]
    Task<int> EndSessions();

    /// <summary>A session of the account was revoked (a logout, a reused refresh token): it leaves the list.</summary>
    [OneWay, Alias("SessionEnded")]
    Task SessionEnded(string sessionId);
}
