namespace BeatOrleans.Api.Conventions;

/// <summary>The one paging rule of every list: <c>limit</c> from 1 to 100, <c>cursor</c> only as a list gave it out.</summary>
internal static class Paging
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;

    public static void CheckLimit(int? limit, FieldErrors errors)
    {
        if (limit is < 1 or > MaxLimit)
        {
            errors.Add("limit", $"limit is between 1 and {MaxLimit}.");
        }
    }

    /// <summary>A cursor the list cannot continue from (another list's, another sort's, or made up).</summary>
    public static ValidationProblem UnknownCursor(string detail) => Refusals.Invalid("cursor", detail);
}
