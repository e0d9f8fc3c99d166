using System.Globalization;

namespace BeatOrleans.Api.Problems;

/// <summary>
/// The answers every endpoint gives when it says no, with one title per kind: a client (and a test) can rely on
/// "Not found." or "Forbidden." whichever domain answered, and only the detail names what was missing or refused.
/// </summary>
internal static class Refusals
{
    public static ProblemHttpResult NotFound(string detail) => Problem(StatusCodes.Status404NotFound, "Not found.", detail);

    public static ProblemHttpResult Forbidden(string detail) => Problem(StatusCodes.Status403Forbidden, "Forbidden.", detail);

    public static ProblemHttpResult UnsupportedMediaType(string detail) =>
        Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type.", detail);

    /// <summary>A 409: the request is well formed, but what it asks for cannot happen now (<paramref name="title"/> says why).</summary>
    public static ProblemHttpResult Conflict(string title, string? detail) => Problem(StatusCodes.Status409Conflict, title, detail);

    /// <summary>As <see cref="Conflict(string, string?)"/>, with the current status of what was asked for beside the standard members.</summary>
    public static ProblemHttpResult Conflict(string title, string? detail, string member, object? value) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: title, detail: detail,
            extensions: new Dictionary<string, object?> { [member] = value });

    /// <summary>A 429: the caller is throttled (the endpoint sets Retry-After where it knows the wait).</summary>
    public static ProblemHttpResult TooManyRequests(string title, string? detail) => Problem(StatusCodes.Status429TooManyRequests, title, detail);

    /// <summary>A 429 whose Retry-After says <paramref name="wait"/>.</summary>
    public static ProblemHttpResult TooManyRequests(HttpResponse response, TimeSpan wait, string title, string? detail)
    {
        response.SetRetryAfter(wait);
        return TooManyRequests(title, detail);
    }

    /// <summary>A wait in whole seconds, at least one, as Retry-After (and the hub's refusals) give it.</summary>
    public static int RetryAfterSeconds(TimeSpan wait) => Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));

    public static void SetRetryAfter(this HttpResponse response, TimeSpan wait) =>
        response.Headers.RetryAfter = RetryAfterSeconds(wait).ToString(CultureInfo.InvariantCulture);

    public static ProblemHttpResult TooLarge(long maxBytes) => Problem(StatusCodes.Status413PayloadTooLarge, "The upload is too large.",
        $"The file is larger than the limit of {Megabytes(maxBytes)}.");

    /// <summary>A byte limit as people read it: "5 MB", "0.95 MB" (in MiB, as the defaults are).</summary>
    public static string Megabytes(long bytes) =>
        string.Create(CultureInfo.InvariantCulture, $"{Math.Round(bytes / (1024.0 * 1024.0), 2):0.##} MB");

    /// <summary>A refusal of its own kind (a throttle, an unavailable provider): the title says what happened, the detail why.</summary>
    public static ProblemHttpResult Problem(int status, string title, string? detail = null) =>
        TypedResults.Problem(statusCode: status, title: title, detail: detail);

    /// <summary>A 400 naming one field of the request (body, query or header) and what is wrong with it.</summary>
    public static ValidationProblem Invalid(string field, string error) => new FieldErrors().Add(field, error).Problem();
}
