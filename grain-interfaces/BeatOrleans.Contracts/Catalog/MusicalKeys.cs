using System.Text.RegularExpressions;

namespace BeatOrleans.Contracts.Catalog;

/// <summary>
/// One spelling per musical key, so that the catalogue's key filter finds a beat however its producer typed the key:
/// "F minor", "f min", "Fm" are all "Fm"; "A major", "A maj", "A" are "A"; "C sharp minor", "C♯m" are "C#m". A lone
/// "M" reads as minor, as "m" does: "AM" is most often "Am" typed in capitals (the catalogue compares keys in
/// capitals anyway). A key that is none of these (free text) is kept as it was typed.
/// </summary>
public static partial class MusicalKeys
{
    public static string? Normalize(string? key)
    {
        if (key is null)
        {
            return null;
        }

        var match = Spelling().Match(key.Trim());
        if (!match.Success)
        {
            return key;
        }

        var accidental = match.Groups["accidental"].Value.ToLowerInvariant() switch
        {
            "#" or "♯" or "sharp" => "#",
            "b" or "♭" or "flat" => "b",
            _ => "",
        };
        // "m", "M" and the words for minor make it minor; the words for major (or nothing) make it major.
        var mode = match.Groups["mode"].Value;
        var minor = mode is "m" or "M" || mode.StartsWith("min", StringComparison.OrdinalIgnoreCase);
        return $"{char.ToUpperInvariant(match.Groups["note"].Value[0])}{accidental}{(minor ? "m" : "")}";
    }

    [GeneratedRegex(
        @"^(?<note>[A-Ga-g])\s*(?<accidental>#|♯|b|♭|(?i:sharp|flat))?\s*(?<mode>m|M|(?i:minor|min|major|maj))?\z")]
    private static partial Regex Spelling();
}
