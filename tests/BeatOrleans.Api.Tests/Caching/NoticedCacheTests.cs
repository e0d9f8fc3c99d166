using BeatOrleans.Api.Caching;

namespace BeatOrleans.Api.Tests.Caching;

/// <summary>What an API node may serve from its caches of sessions and profiles, and what a notice takes
/// away.</summary>
public sealed class NoticedCacheTests
{
    private readonly ManualClock clock = new();

    private NoticedCache<string> Registered(TimeSpan? duration = null)
    {
        var cache = new NoticedCache<string>(duration ?? TimeSpan.FromSeconds(5), clock, maxEntries: 10);
        cache.TrustUntil(clock.GetUtcNow() + TimeSpan.FromMinutes(2));
        return cache;
    }

    [Fact]
    public void A_stored_answer_is_served_until_its_duration_ends()
    {
        var cache = Registered();
        cache.Store("u1", "v1", cache.BeginRead());

        Assert.True(cache.TryGet("u1", out var value));
        Assert.Equal("v1", value);
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.False(cache.TryGet("u1", out _));
    }

    [Fact]
    public void A_notice_drops_the_entry_and_a_read_that_started_before_it_is_not_kept()
    {
        var cache = Registered();
        cache.Store("u1", "old", cache.BeginRead());
        var slowRead = cache.BeginRead();

        cache.Notice("u1");

        Assert.False(cache.TryGet("u1", out _));
        cache.Store("u1", "old", slowRead);
        Assert.False(cache.TryGet("u1", out _));
        cache.Store("u1", "new", cache.BeginRead());
        Assert.True(cache.TryGet("u1", out var value));
        Assert.Equal("new", value);
    }

    [Fact]
    public void Nothing_is_served_once_the_registration_for_notices_lapses_nor_kept_from_a_read_made_without_one()
    {
        var cache = Registered();
        cache.Store("u1", "v1", cache.BeginRead());

        cache.TrustUntil(DateTimeOffset.MinValue);

        Assert.False(cache.TryGet("u1", out _));
        Assert.Equal(-1, cache.BeginRead());
        cache.Store("u2", "v2", cache.BeginRead());
        cache.TrustUntil(clock.GetUtcNow() + TimeSpan.FromMinutes(2));
        Assert.False(cache.TryGet("u2", out _));
    }

    [Fact]
    public void A_zero_duration_keeps_nothing()
    {
        var cache = Registered(TimeSpan.Zero);

        cache.Store("u1", "v1", cache.BeginRead());

        Assert.False(cache.Enabled);
        Assert.False(cache.TryGet("u1", out _));
    }

    [Fact]
    public void A_full_cache_keeps_no_more_entries_until_some_lapse()
    {
        var cache = Registered();
        for (var i = 0; i < 10; i++)
        {
            cache.Store($"u{i}", "v", cache.BeginRead());
        }

        cache.Store("u10", "v", cache.BeginRead());
        Assert.False(cache.TryGet("u10", out _));
        Assert.Equal(10, cache.Count);

        clock.Advance(TimeSpan.FromSeconds(6));
        cache.Store("u10", "v", cache.BeginRead());
        Assert.True(cache.TryGet("u10", out _));
        Assert.Equal(1, cache.Count);
    }
}

/// <summary>A clock the test moves.</summary>
public sealed class ManualClock : TimeProvider
{
    private DateTimeOffset now = DateTimeOffset.UtcNow;

    public override DateTimeOffset GetUtcNow() => now;

    public void Advance(TimeSpan by) => now += by;
}
