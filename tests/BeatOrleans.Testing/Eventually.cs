namespace BeatOrleans.Testing;

/// <summary>
/// The one way a test waits for something asynchronous: poll with a deadline, never a sleep that hopes. Each caller
/// states its own deadline (how long the thing may take is part of what the test says).
/// </summary>
public static class Eventually
{
    /// <summary>The pause between two probes unless a caller asks for another.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Probes until <paramref name="done"/> holds for the value and returns that value; fails the test with
    /// <paramref name="failure"/> of the last value once <paramref name="within"/> has passed.
    /// </summary>
    public static async Task<T> Holds<T>(
        Func<Task<T>> probe, Func<T, bool> done, TimeSpan within, Func<T, string> failure, TimeSpan? every = null)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }

            if (DateTime.UtcNow >= deadline)
            {
                Assert.Fail(failure(value));
            }

            await Task.Delay(every ?? DefaultInterval);
        }
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails the test with <paramref name="failure"/> at the deadline.</summary>
    public static Task Holds(Func<Task<bool>> condition, TimeSpan within, string failure, TimeSpan? every = null) =>
        Holds(condition, held => held, within, _ => failure, every);

    /// <summary>Polls <paramref name="condition"/> until it holds (30 s unless told); fails the test at the deadline.</summary>
    public static Task Holds(Func<Task<bool>> condition, TimeSpan? within = null) =>
        Holds(condition, within ?? TimeSpan.FromSeconds(30), "the condition did not hold before the deadline");

    /// <summary>
    /// Probes until <paramref name="done"/> holds or <paramref name="within"/> has passed, and returns the last value
    /// either way: for a test that then asserts on the value itself, so its failure shows what was there.
    /// </summary>
    public static async Task<T> Until<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan within, TimeSpan? every = null)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            var value = await probe();
            if (done(value) || DateTime.UtcNow >= deadline)
            {
                return value;
            }

            await Task.Delay(every ?? DefaultInterval);
        }
    }

    /// <summary>Polls a condition on local state until it holds or the deadline passes; answers whether it held.</summary>
    public static Task<bool> Until(Func<bool> condition, TimeSpan within, TimeSpan? every = null) =>
        Until(() => Task.FromResult(condition()), held => held, within, every);
}
