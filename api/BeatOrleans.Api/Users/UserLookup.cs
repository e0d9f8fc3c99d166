using BeatOrleans.Contracts.Users;

namespace BeatOrleans.Api.Users;

/// <summary>Finds users by the names clients use for them: a username (any case) or a user id.</summary>
public static class UserLookup
{
    /// <summary>
    /// The profile named by a username or a user id, or null. A user id always means its own user: it is tried
    /// before the usernames, so an account named like another's id (possible before such names were refused,
    /// <see cref="UsersValidation.Username"/>) can never take that user's messages.
    /// </summary>
    public static async Task<UserProfile?> Find(this IGrainFactory grains, string usernameOrId)
    {
        if (string.IsNullOrWhiteSpace(usernameOrId) || usernameOrId.Length > 64)
        {
            return null;
        }

        if (EntityIds.IsValid(usernameOrId) && await grains.GetGrain<IUserGrain>(usernameOrId).GetProfile() is { } byId)
        {
            return byId;
        }

        if (UsersValidation.LooksLikeUserId(usernameOrId))
        {
            // An id (in any case) names a user by id or nobody: no username may pass for it, even one stored before the
            // rule was enforced everywhere.
            return null;
        }

        var owner = await grains.GetGrain<IIdentityIndexGrain>(IdentityKey.ForUsername(usernameOrId).GrainKey).GetOwner();
        return owner is null ? null : await grains.GetGrain<IUserGrain>(owner).GetProfile();
    }

    /// <summary>Current usernames of these user ids (an id whose account is gone maps to itself).</summary>
    public static async Task<Dictionary<string, string>> Usernames(this IGrainFactory grains, IEnumerable<string> userIds)
    {
        var ids = userIds.Distinct(StringComparer.Ordinal).ToList();
        var profiles = await Task.WhenAll(ids.Select(id => grains.GetGrain<IUserGrain>(id).GetProfile()));
        return ids.Zip(profiles).ToDictionary(p => p.First, p => p.Second?.Username ?? p.First, StringComparer.Ordinal);
    }
}
