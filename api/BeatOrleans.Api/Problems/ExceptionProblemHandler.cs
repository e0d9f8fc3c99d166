using System.Text.Json;
using BeatOrleans.Contracts;
using BeatOrleans.Contracts.Users;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using BeatOrleans.Hosting.Storage;

namespace BeatOrleans.Api.Problems;

/// <summary>
/// Maps what a request can throw to the contract's status codes, in the API's own words (never a .NET type name);
/// anything else is a bare 500 without details.
/// </summary>
internal sealed partial class ExceptionProblemHandler(IProblemDetailsService problems, ILogger<ExceptionProblemHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        var retrySafe = HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method)
            || NothingRan(exception);
        var problem = Classify(exception, http.Request.Path, retrySafe);
        var status = problem.Status!.Value;
        if (status >= 500)
        {
            if (status == StatusCodes.Status503ServiceUnavailable)
            {
                LogUnavailable(logger, http.Request.Path, exception.GetType().Name, exception.Message);
                // Retry-After says the same request may simply be sent again: never for a change that may have been
                // made (clients, the web client among them, repeat on it). A full hashing queue drains in a second
                // or two; a lost silo takes longer to be replaced.
                if (retrySafe)
                {
                    http.Response.Headers.RetryAfter = IsBusy(exception) ? "2" : "5";
                }
            }
            else
            {
                LogUnhandled(logger, exception, http.Request.Path);
            }
        }

        http.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, Exception = exception, ProblemDetails = problem });
    }

    private static ProblemDetails Classify(Exception exception, PathString path, bool retrySafe) => exception switch
    {
        BadHttpRequestException { InnerException: JsonException json } =>
            RequestErrors.WrongTypeField(json) ?? Malformed(RequestErrors.DescribeJson(json)),
        BadHttpRequestException { InnerException: InvalidOperationException text } when RequestErrors.IsInvalidUnicode(text) => Malformed(RequestErrors.InvalidUnicode),
        BadHttpRequestException bad when bad.StatusCode == 413 => Problem(413, "The request body is too large."),
        BadHttpRequestException bad when RequestErrors.IsMissingBody(bad.Message) => Problem(400,
            "The request body is missing.", "This endpoint takes a JSON object; the body was empty or null."),
        BadHttpRequestException bad when RequestErrors.DescribeBinding(bad.Message) is { } binding => binding,
        BadHttpRequestException bad => Problem(bad.StatusCode, "The request is malformed.", RequestErrors.Describe(bad)),
        JsonException json => RequestErrors.WrongTypeField(json) ?? Malformed(RequestErrors.DescribeJson(json)),
        // System.Text.Json reports a lone UTF-16 surrogate ("\ud800") as an invalid operation, not a JSON error.
        InvalidOperationException text when RequestErrors.IsInvalidUnicode(text) => Malformed(RequestErrors.InvalidUnicode),
        // A Content-Type whose charset .NET does not know ("application/json; charset=bogus"): the body cannot be read.
        InvalidOperationException charset when RequestErrors.IsUnknownCharset(charset) => Problem(415,
            "The request's charset is not supported.",
            "Send JSON as UTF-8: 'application/json' or 'application/json; charset=utf-8'."),
        // The multipart reader's limits (header count and length, boundary length) and broken framing.
        InvalidDataException data => Problem(400, "The multipart body is malformed.", data.Message),
        // The dashboard makes a grain of whatever silo address a URL names, and fails on one that is not an address.
        _ when path.StartsWithSegments("/dashboard") && Causes(exception).Any(e => e is FormatException) =>
            Problem(404, "Not found.", "No silo has this address."),
        // Refused before anything changed: the same request may be sent again as it is.
        _ when IsBusy(exception) => Problem(503,
            "Too many sign-ins are being checked right now.", "Nothing was changed; try again in a few seconds."),
        // An activation whose state write failed refused the call before running it (it is being replaced).
        StateNotSavedException => Problem(503,
            "This part of the marketplace is briefly unavailable.", "Nothing was changed; try again in a few seconds."),
        // A change whose answer was lost (a timeout, a silo lost during the call, a store that failed mid-way) may
        // have been made: say so rather than invite a blind repeat.
        _ when !retrySafe && IsStoreFailure(exception) => Problem(503,
            "The marketplace's storage is not answering right now.", MayHaveBeenMade),
        _ when !retrySafe && OrleansUnavailability.Matches(exception) => Problem(503,
            "This part of the marketplace did not answer in time.", MayHaveBeenMade),
        _ when OrleansUnavailability.Matches(exception) => Problem(503, "This part of the marketplace is temporarily unavailable.",
            "The silos that host it cannot be reached; try again shortly."),
        _ when IsStoreFailure(exception) => Problem(503, "The marketplace's storage is not answering right now.",
            "Try again shortly."),
        // A service the request needs (the S3 audio store, Stripe) did not answer: nothing was kept, and the same
        // request may be sent again once it is back.
        _ when Causes(exception).Any(e => e is HttpRequestException or System.Net.Sockets.SocketException) =>
            Problem(503,
            "A service this request needs cannot be reached right now.", "It did not answer; try again shortly."),
        _ => Problem(500, "An unexpected error occurred."),
    };

    /// <summary>
    /// The API's own grain call was refused before any grain ran it (an activation being replaced, a message the
    /// cluster rejected, a silo it could not connect to, no silo that hosts the grain), a users silo refused a password
    /// check for a full hashing queue, or a service outside the cluster (the S3 audio store, Stripe) did not answer
    /// and nothing was kept. Refusals are read from the outermost exception only: one met further down (a grain the
    /// call reached called another) says nothing of what the call changed first, and silos pass it on as
    /// <see cref="CallFailedAfterRunningException"/>.
    /// </summary>
    private static bool NothingRan(Exception exception) =>
        CallRefusals.RefusedBeforeRunning(exception)
        || Causes(exception).Any(e => e is PasswordChecksBusyException or HttpRequestException
            or System.Net.Sockets.SocketException);

    private static bool IsStoreFailure(Exception exception) =>
        Causes(exception).Any(e =>
            e is StorageUnavailableException or global::Orleans.Storage.InconsistentStateException);

    private const string MayHaveBeenMade =
        "The change may or may not have been made: look (reload what it changes) before sending it again.";

    /// <summary>A users silo refused a password check for a full hashing queue, before anything changed.</summary>
    private static bool IsBusy(Exception exception) => Causes(exception).Any(e => e is PasswordChecksBusyException);

    private static IEnumerable<Exception> Causes(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }

    private static ProblemDetails Malformed(string detail) => Problem(400, "The request body is not valid JSON for this endpoint.", detail);

    private static ProblemDetails Problem(int status, string title, string? detail = null) =>
        new() { Status = status, Title = title, Detail = detail };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request {Path} found its domain unavailable: {ExceptionType}: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string path, string exceptionType, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception on {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string path);
}
