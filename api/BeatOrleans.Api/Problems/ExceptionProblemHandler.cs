using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;

namespace BeatOrleans.Api.Problems;

/// <summary>Maps what a request can throw to the contract's status codes; anything else is a bare 500 without details.</summary>
internal sealed partial class ExceptionProblemHandler(IProblemDetailsService problems, ILogger<ExceptionProblemHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail) = Classify(exception);
        if (status >= 500)
        {
            if (status == StatusCodes.Status503ServiceUnavailable)
            {
                LogUnavailable(logger, http.Request.Path, exception.GetType().Name, exception.Message);
                http.Response.Headers.RetryAfter = "5";
            }
            else
            {
                LogUnhandled(logger, exception, http.Request.Path);
            }
        }

        http.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            Exception = exception,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }

    private static (int Status, string Title, string? Detail) Classify(Exception exception) => exception switch
    {
        BadHttpRequestException { InnerException: JsonException json } => (400, "The request body is not valid JSON for this endpoint.", json.Message),
        BadHttpRequestException bad when bad.StatusCode == 413 => (413, "The request body is too large.", null),
        BadHttpRequestException bad => (bad.StatusCode, "The request is malformed.", bad.Message),
        JsonException json => (400, "The request body is not valid JSON for this endpoint.", json.Message),
        _ when OrleansUnavailability.Matches(exception) => (503, "This part of the marketplace is temporarily unavailable.",
            "The silos that host it cannot be reached; try again shortly."),
        _ => (500, "An unexpected error occurred.", null),
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request {Path} found its domain unavailable: {ExceptionType}: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string path, string exceptionType, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception on {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string path);
}
