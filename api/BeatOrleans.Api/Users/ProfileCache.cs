using BeatOrleans.Api.Caching;
using BeatOrleans.Contracts.Users;
using Microsoft.Extensions.Options;

namespace BeatOrleans.Api.Users;

/// <summary>Section <c>Users:ProfileCache</c>: how long an API node may keep a profile it read.</summary>
public sealed class ProfileCacheOptions
{
    public const string Section = "Users:ProfileCache";

    /// <summary>Zero reads the user grain on every request.</summary>
    public TimeSpan Duration { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// Profiles this node read in the last <see cref="ProfileCacheOptions.Duration"/>: a profile read is the most frequent
/// request and a profile rarely changes, and the grain call was a third of the read's cost (docs/BENCHMARKS.md). A
/// change (names, bio, a purchase) is pushed to every node (<see cref="NodeCacheNotices"/>) before it is answered, so
/// the next read on any node shows it. Only found profiles are kept.
/// </summary>
public sealed class ProfileCache(IGrainFactory grains, IOptions<ProfileCacheOptions> options, TimeProvider clock)
{
    public NoticedCache<UserProfile> Entries { get; } = new(options.Value.Duration, clock, maxEntries: 100_000);

    /// <summary>The user's profile, or null when there is no such user.</summary>
    public async ValueTask<UserProfile?> Get(string userId)
    {
        if (Entries.TryGet(userId, out var known))
        {
            return known;
        }

        var started = Entries.BeginRead();
        var profile = await grains.GetGrain<IUserGrain>(userId).GetProfile();
        if (profile is not null)
        {
            Entries.Store(userId, profile, started);
        }

        return profile;
    }
}
