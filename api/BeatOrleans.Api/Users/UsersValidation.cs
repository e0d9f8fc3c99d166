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

    [GeneratedRegex("^[A-Za-z0-9_.-]{3,32}$")]
    private static partial Regex UsernamePattern();

    public static void Username(string? value, Dictionary<string, string[]> errors, bool required = true)
    {
        if (value is null)
        {
            if (required)
            {
                errors["username"] = ["A username is required."];
            }
        }
        else if (!UsernamePattern().IsMatch(value))
        {
            errors["username"] = ["A username is 3-32 characters of letters, digits, '_', '.' and '-'."];
        }
    }

    public static void Email(string? value, Dictionary<string, string[]> errors, bool required = true)
    {
        if (value is null)
        {
            if (required)
            {
                errors["email"] = ["An email is required."];
            }
        }
        else if (!IsEmail(value))
        {
            errors["email"] = ["This is not an email address."];
        }
    }

    public static void Password(string? value, Dictionary<string, string[]> errors)
    {
        if (value is null || value.Length < MinPasswordLength)
        {
            errors["password"] = [$"A password has at least {MinPasswordLength} characters."];
        }
        else if (value.Length > MaxPasswordLength)
        {
            errors["password"] = [$"A password has at most {MaxPasswordLength} characters."];
        }
    }

    public static void Bio(string? value, Dictionary<string, string[]> errors)
    {
        if (value is { Length: > MaxBioLength })
        {
            errors["bio"] = [$"A bio has at most {MaxBioLength} characters."];
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
