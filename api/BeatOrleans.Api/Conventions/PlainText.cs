using System.Globalization;

namespace BeatOrleans.Api.Conventions;

/// <summary>
/// What a text field shown to other people may hold: well-formed Unicode without control characters (NUL breaks
/// PostgreSQL text, others break terminals and logs) and without bidirectional overrides, which make a title or tag
/// read differently from what it is ("\u202Eexe.3pm").
/// </summary>
public static class PlainText
{
    public const string Rule = "must be text without control characters, bidirectional overrides or unpaired surrogates";

    public static bool IsPlain(string? text, bool multiline = false)
    {
        if (text is null)
        {
            return true;
        }

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }

            // Line breaks and tabs: text in a multi-line field, a refusal in a one-line one.
            var layout = c is '\n' or '\r' or '\t' or '\u2028' or '\u2029';
            if (char.IsSurrogate(c) || IsBidiControl(c) || (!multiline && layout)
                || (char.IsControl(c) && !(multiline && layout)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Whether the text shows anything: a character that is not white space, a control, an invisible format
    /// character (zero-width space, word joiner), a combining mark with nothing to combine with, or one of the
    /// letters and symbols drawn blank (the Hangul fillers, the blank Braille pattern). A title, tag or message of
    /// only those reads as empty wherever it is shown.
    /// </summary>
    public static bool IsVisible(string text) => text.Any(c => !char.IsWhiteSpace(c) && !char.IsControl(c)
        && CharUnicodeInfo.GetUnicodeCategory(c) is not (UnicodeCategory.Format or UnicodeCategory.NonSpacingMark
            or UnicodeCategory.EnclosingMark)
        && c is not ('\u115F' or '\u1160' or '\u3164' or '\uFFA0' or '\u2800'));

    private static bool IsBidiControl(char c) =>
        c is (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069')
        || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format && c is '\u200E' or '\u200F' or '\u061C';
}
