using Microsoft.Net.Http.Headers;

namespace BeatOrleans.Api.Conventions;

/// <summary>Reads an If-Match header as RFC 9110 compares it: strongly, so a weak tag never matches.</summary>
public static class EntityTags
{
    /// <summary>
    /// Null without the header (no precondition); ["*"] for any version; else the strong tags it names, with their
    /// quotes. A header of weak or malformed tags only names none, so the precondition fails.
    /// </summary>
    public static IReadOnlyList<string>? Strong(string? ifMatch)
    {
        if (ifMatch is null)
        {
            return null;
        }

        if (ifMatch.Trim() == "*")
        {
            return ["*"];
        }

        return EntityTagHeaderValue.TryParseStrictList([ifMatch], out var tags)
            ? [.. tags.Where(t => !t.IsWeak && t.Tag.HasValue && t.Tag.Value != "*").Select(t => t.Tag.Value!)]
            : [];
    }
}
