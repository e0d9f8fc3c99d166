using BeatOrleans.Catalog.Beats;

namespace BeatOrleans.Grains.Tests;

public sealed class PlayCounterTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_listener_counts_once_per_window_and_an_address_for_at_most_its_share_of_listeners()
    {
        var counter = new PlayCounter(TimeSpan.FromHours(1), perAddress: 2, remembered: 100);

        Assert.True(counter.Count("ana", "home", Start));
        Assert.False(counter.Count("ana", "home", Start.AddMinutes(59)));
        Assert.False(counter.Count("ana", "office", Start.AddMinutes(30)));
        Assert.True(counter.Count("ben", "home", Start.AddMinutes(1)));
        // A third listener from home within the hour is not counted; from elsewhere, it is.
        Assert.False(counter.Count("cid", "home", Start.AddMinutes(2)));
        Assert.True(counter.Count("cid", "office", Start.AddMinutes(3)));
        // Once ana's play from home is an hour old, home has room again, and ana counts again.
        Assert.True(counter.Count("dan", "home", Start.AddMinutes(60)));
        Assert.True(counter.Count("ana", "office", Start.AddMinutes(61)));
    }

    [Fact]
    public void Memory_stays_within_its_bound_however_many_listeners_come()
    {
        var counter = new PlayCounter(TimeSpan.FromHours(1), perAddress: 1_000_000, remembered: 50);

        for (var i = 0; i < 1_000; i++)
        {
            Assert.True(counter.Count($"listener{i}", $"address{i % 7}", Start.AddSeconds(i)));
        }

        Assert.True(counter.Remembered.Listeners <= 50, $"{counter.Remembered.Listeners} listeners remembered");
        Assert.True(counter.Remembered.Addresses <= 50, $"{counter.Remembered.Addresses} addresses remembered");
        // The newest are the ones remembered: a repeat of the last listener is still within its hour.
        Assert.False(counter.Count("listener999", "address0", Start.AddSeconds(1_000)));
    }
}
