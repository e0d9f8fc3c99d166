using Orleans.Concurrency;

namespace BeatOrleans.Contracts.Users;

/// <summary>The single owner of one username or email, keyed by <see cref="IdentityKey.GrainKey"/>.</summary>
[Alias("users.IIdentityIndexGrain")]
public interface IIdentityIndexGrain : IGrainWithStringKey
{
    /// <summary>Claims the key for a user; false when another user holds it.</summary>
    [Alias("Claim")]
    Task<bool> Claim(string userId);

    /// <summary>Marks a claim as backed by the user's stored state.</summary>
    [Alias("Confirm")]
    Task Confirm(string userId);

    /// <summary>Frees the key if this user holds it.</summary>
    [Alias("Release")]
    Task Release(string userId);

    /// <summary>The user holding the key, or null.</summary>
    [ReadOnly, ResponseTimeout(Reads.ResponseTimeout), Alias("GetOwner")]
    Task<string?> GetOwner();
}
