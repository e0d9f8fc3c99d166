using BeatOrleans.Contracts.Users;
using Microsoft.Extensions.Caching.Memory;

namespace BeatOrleans.Api.Users;

/// <summary>A user id and the username it had when it was looked up.</summary>
public sealed record UserName(string UserId, string Username);

/// <summary>
/// The send path's view of users, kept on this API node for <see cref="Lifetime"/>: every message names its sender
/// and its receiver, and asking the users silo each time cost three grain calls per message (docs/BENCHMARKS.md).
/// Only found users are kept, so a new account is found at once. A rename is pushed to every node
/// (<see cref="Caching.NodeCacheNotices"/>) before it is answered; a node that missed the notice sees it within
/// <see cref="Lifetime"/>, until when a message to the old username still reaches the renamed user.
/// </summary>
public sealed class UserDirectory(IGrainFactory grains, IMemoryCache cache)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(15);

    /// <summary>The user named by a username (any case) or a user id, or null.</summary>
    public async Task<UserName?> Find(string usernameOrId)
    {
        if (UsersValidation.LooksLikeUserId(usernameOrId))
        {
            // An id is looked up as an id, under its exact spelling: a cached username never answers for it.
            return EntityIds.IsValid(usernameOrId) ? await Get(usernameOrId) : null;
        }

        var key = ("name", usernameOrId.ToLowerInvariant());
        if (cache.TryGetValue(key, out UserName? known))
        {
            return known;
        }

        var profile = await grains.Find(usernameOrId); // it refuses names no user can have
        if (profile is null)
        {
            return null;
        }

        var found = Remember(profile);
        cache.Set(key, found, Options);
        return found;
    }

    /// <summary>The user with this id, or null.</summary>
    public async Task<UserName?> Get(string userId)
    {
        if (cache.TryGetValue(("id", userId), out UserName? known))
        {
            return known;
        }

        var profile = await grains.GetGrain<IUserGrain>(userId).GetProfile();
        return profile is null ? null : Remember(profile);
    }

    /// <summary>Drops what this node knows of a user whose profile changed, and of the username it now has.</summary>
    public void Forget(string userId, string? newUsername = null)
    {
        if (cache.TryGetValue(("id", userId), out UserName? known) && known is not null)
        {
            cache.Remove(("name", known.Username.ToLowerInvariant()));
        }

        cache.Remove(("id", userId));
        if (newUsername is not null)
        {
            cache.Remove(("name", newUsername.ToLowerInvariant()));
        }
    }

    private static MemoryCacheEntryOptions Options => new() { AbsoluteExpirationRelativeToNow = Lifetime, Size = 1 };

    private UserName Remember(UserProfile profile)
    {
        var name = new UserName(profile.UserId, profile.Username);
        cache.Set(("id", profile.UserId), name, Options);
        return name;
    }
}

public static class UserCachesExtensions
{
    /// <summary>
    /// The node's views of the users domain: the <see cref="UserDirectory"/> (over a memory cache of at most 100,000
    /// users), the <see cref="ProfileCache"/>, and the registration that keeps both and the session cache true.
    /// </summary>
    public static WebApplicationBuilder AddUserCaches(this WebApplicationBuilder builder)
    {
        builder.Services.AddMemoryCache(o => o.SizeLimit = 200_000);
        builder.Services.AddSingleton<UserDirectory>();
        builder.Services.AddOptions<ProfileCacheOptions>()
            .Bind(builder.Configuration.GetSection(ProfileCacheOptions.Section))
            .Validate(o => o.Duration >= TimeSpan.Zero && o.Duration <= TimeSpan.FromMinutes(1),
                $"{ProfileCacheOptions.Section}:Duration must be between 0 and 1 minute.")
            .ValidateOnStart();
        builder.Services.AddSingleton<ProfileCache>();
        builder.Services.AddSingleton<Caching.NodeCacheNotices>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<Caching.NodeCacheNotices>());
        return builder;
    }
}
