using System.Globalization;
using System.Net.Mail;
using System.Text.RegularExpressions;

namespace BeatOrleans.Api.Users;

/// <summary>The contract's rules for account fields; each method adds messages under the field's wire name.</summary>
internal static partial class UsersValidation
{
    public const int MinPasswordLength = 8;

    /// <summary>Bounds the work a single hash may be asked to do.</summary>
    public const int MaxPasswordLength = 512;

    public const int MaxEmailLength = 254;

    public const int MaxBioLength = 1000;

    // \z, not $: '$' also matches before a final newline, and "name\n" would pass for "name" (then be trimmed).
    [GeneratedRegex(@"^[A-Za-z0-9_.-]{3,32}\z")]
    private static partial Regex UsernamePattern();

    public static void Username(string? value, FieldErrors errors, bool required = true)
    {
        if (value is null)
        {
            if (required)
            {
                errors.Add("username", "A username is required.");
            }
        }
        else if (!UsernamePattern().IsMatch(value))
        {
            errors.Add("username", "A username is 3-32 characters of letters, digits, '_', '.' and '-'.");
        }
        else if (LooksLikeUserId(value))
        {
            // Clients may name a user by username or by user id (chat receivers): a name shaped like an id would be
            // ambiguous, and could pass for another user's id.
            errors.Add("username", "A username cannot be 32 hexadecimal digits: that is the shape of a user id.");
        }
    }

    /// <summary>32 hexadecimal digits in any case: the shape of a user id, which no username may have.</summary>
    public static bool LooksLikeUserId(string value) =>
        value.Length == EntityIds.Length && value.All(char.IsAsciiHexDigit);

    public static void Email(string? value, FieldErrors errors, bool required = true)
    {
        if (value is null)
        {
            if (required)
            {
                errors.Add("email", "An email is required.");
            }
        }
        else if (!IsEmail(value))
        {
            errors.Add("email", "This is not an email address.");
        }
        else if (!value[(value.LastIndexOf('@') + 1)..].All(char.IsAscii))
        {
            // "ｅxample.com" (full-width) and "example.com" are one domain to mail servers (IDNA) but two keys here.
            errors.Add("email", "Write the domain in ASCII (an international domain in its xn-- form).");
        }
        else if (value.Any(IsCombiningMark))
        {
            // "é" as "e" and a combining accent would be another key than "é" (the uniqueness index compares case,
            // not Unicode normal forms: the processes run without ICU), so one address could hold two accounts.
            errors.Add("email", "Write accented letters as single characters: this address has a combining mark.");
        }
    }

    private static bool IsCombiningMark(char c) => CharUnicodeInfo.GetUnicodeCategory(c)
        is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark;

    /// <summary>
    /// NIST SP 800-63B 5.1.1.2: a length floor, no composition rules, and a refusal of values that are known or
    /// trivially guessed: the common-passwords list and the account's own username or email.
    /// </summary>
    public static void Password(
        string? value, string? username, string? email, FieldErrors errors, string field = "password")
    {
        // NIST counts each Unicode code point as one character: four emoji are four, not the eight UTF-16 units.
        if (value is null || value.EnumerateRunes().Count() < MinPasswordLength)
        {
            errors.Add(field, $"A password has at least {MinPasswordLength} characters.");
        }
        else if (value.Length > MaxPasswordLength)
        {
            errors.Add(field, $"A password has at most {MaxPasswordLength} characters.");
        }
        else if (IsGuessable(value.Trim()))
        {
            errors.Add(
                field, "This password is too common; choose another (a passphrase of several words works well).");
        }
        else if (IsAccountName(value.Trim(), username, email))
        {
            errors.Add(field, "A password must not be the username or email.");
        }
    }

    /// <summary>
    /// Spaces are allowed (passphrases), but a password of whitespace alone, or of one character repeated, is the
    /// first thing a guesser tries, and the list holds only a few of them. The trimmed value is checked because the list
    /// holds no spaces: "password " is as common as "password".
    /// </summary>
    private static bool IsGuessable(string trimmed) =>
        trimmed.Length == 0
        || trimmed.EnumerateRunes().Distinct().Take(2).Count() == 1
        || CommonPasswords.Contains(trimmed);

    private static bool IsAccountName(string trimmed, string? username, string? email)
    {
        var localPart = email?.Split('@')[0];
        return Same(username) || Same(email) || Same(localPart);

        bool Same(string? name) => name is not null && string.Equals(trimmed, name.Trim(), StringComparison.OrdinalIgnoreCase);
    }

    public static void Bio(string? value, FieldErrors errors)
    {
        if (value is { Length: > MaxBioLength })
        {
            errors.Add("bio", $"A bio has at most {MaxBioLength} characters.");
        }
        else if (!PlainText.IsPlain(value, multiline: true))
        {
            errors.Add("bio", $"bio {PlainText.Rule}.");
        }
    }

    private static bool IsEmail(string value) =>
        value.Length <= MaxEmailLength
        && !value.Any(char.IsWhiteSpace)
        && MailAddress.TryCreate(value, out var address)
        && address.Address == value
        && address.Host.Contains('.', StringComparison.Ordinal)
        && !address.Host.EndsWith('.');
}
