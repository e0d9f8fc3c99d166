using Orleans.Concurrency;

namespace BeatOrleans.Contracts.Users;

/// <summary>One marketplace account, keyed by its user id.</summary>
[Alias("users.IUserGrain")]
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
}
