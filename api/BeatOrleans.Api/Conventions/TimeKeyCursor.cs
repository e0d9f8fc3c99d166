using System.Globalization;
using BeatOrleans.Contracts;

namespace BeatOrleans.Api.Conventions;

/// <summary>
/// The cursor of a list shown newest first by a time, ties broken by a key in ordinal order: a total order, so a
/// cursor names the last item of a page and the next page starts right after it, whatever changed meanwhile (an item
/// that moves to the front shows on the first page again). Written "t{UTC ticks}.{key}".
/// </summary>
internal static class TimeKeyCursor
{
    public static string Write(DateTimeOffset time, string key) =>
        string.Create(CultureInfo.InvariantCulture, $"t{time.UtcTicks}.{key}");

    /// <summary>
    /// Checks a list request's <c>limit</c> and <c>cursor</c>: null when both are good (<paramref name="after"/> is
    /// where the page starts), else the 400 to answer.
    /// </summary>
    public static ValidationProblem? Check(
        int? limit, string? cursor, Func<string, bool> isKey, out (DateTimeOffset Time, string Key)? after)
    {
        after = null;
        var errors = new FieldErrors();
        Paging.CheckLimit(limit, errors);
        if (errors.Any)
        {
            return errors.Problem();
        }

        return TryStart(cursor, isKey, out after)
            ? null
            : Paging.UnknownCursor("cursor is not one this list gave out.");
    }

    /// <summary>Where a page starts: the beginning without a cursor; false for a cursor never given out.</summary>
    private static bool TryStart(string? cursor, Func<string, bool> isKey, out (DateTimeOffset Time, string Key)? after)
    {
        after = null;
        if (cursor is null)
        {
            return true;
        }

        if (!TryRead(cursor, isKey, out var position))
        {
            return false;
        }

        after = position;
        return true;
    }

    /// <summary>The position a cursor names, or false for one this list did not give out.</summary>
    public static bool TryRead(string cursor, Func<string, bool> isKey, out (DateTimeOffset Time, string Key) position)
    {
        position = default;
        var dot = cursor.IndexOf('.', StringComparison.Ordinal);
        // The document's bound on a cursor.
        if (cursor.Length > OpenApi.WireSchemas.MaxCursorLength
            || !cursor.StartsWith('t') || dot < 2 || !isKey(cursor[(dot + 1)..])
            || !long.TryParse(cursor.AsSpan(1, dot - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            || ticks > DateTimeOffset.MaxValue.UtcTicks)
        {
            return false;
        }

        position = (new DateTimeOffset(ticks, TimeSpan.Zero), cursor[(dot + 1)..]);
        return true;
    }

    /// <summary>
    /// The page of at most <paramref name="limit"/> items after <paramref name="after"/> (from the start when null),
    /// newest first, and the cursor of the page after it (null on the last page).
    /// </summary>
    public static (List<T> Items, string? Next) Page<T>(
        IEnumerable<T> items, Func<T, DateTimeOffset> time, Func<T, string> key, int limit,
        (DateTimeOffset Time, string Key)? after)
    {
        var page = NewestFirst.After(items, time, key, after?.Time, after?.Key).Take(limit + 1).ToList();
        if (page.Count <= limit)
        {
            return (page, null);
        }

        page.RemoveAt(limit);
        return (page, Write(time(page[^1]), key(page[^1])));
    }
}
