namespace BeatOrleans.Contracts;

/// <summary>
/// The order of every list shown newest first by a time, ties broken by a key in ordinal order: a total order, so
/// a page that starts right after the last item of the page before has neither gaps nor repeats, whatever moved
/// meanwhile. One rule for the grains that page their own lists and the API's cursors over them.
/// </summary>
public static class NewestFirst
{
    /// <summary>
    /// The items after (<paramref name="afterTime"/>, <paramref name="afterKey"/>) in this order, or from the newest
    /// when no time is given.
    /// </summary>
    public static IEnumerable<T> After<T>(
        IEnumerable<T> items, Func<T, DateTimeOffset> time, Func<T, string> key, DateTimeOffset? afterTime,
        string? afterKey) =>
        items
            .Where(item => afterTime is not { } from || time(item) < from
                || (time(item) == from && string.CompareOrdinal(key(item), afterKey) > 0))
            .OrderByDescending(time).ThenBy(key, StringComparer.Ordinal);
}
