using System.Diagnostics;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;

namespace BeatOrleans.Api.Problems;

public static class ProblemsExtensions
{
    public const int MaxDetailLength = 2000;

    /// <summary>RFC 9457 bodies for every error: validation, 404/405, auth, thrown exceptions (never a stack trace).</summary>
    public static WebApplicationBuilder AddMarketplaceProblems(this WebApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
            // The contract's problem has status, type, title and detail every time, whoever wrote it (an endpoint, a
            // validation filter, the framework's 405/413/415, a rate limiter).
            var problem = context.ProblemDetails;
            problem.Status ??= context.HttpContext.Response.StatusCode;
            problem.Type ??= TypeOf(problem.Status.Value);
            problem.Title ??= ReasonPhrases.GetReasonPhrase(problem.Status.Value);
            problem.Detail ??= DefaultDetail(problem);
            context.ProblemDetails.Extensions.Remove("exception");
            // The trace's own id (written trace_id), as in the X-Trace-Id header and the logs, not the W3C traceparent.
            context.ProblemDetails.Extensions.Remove("traceId");
            context.ProblemDetails.Extensions["trace_id"] = Activity.Current?.TraceId.ToHexString() ?? context.HttpContext.TraceIdentifier;
            // The document promises this bound; a detail quoting a client's input (a JSON path) could exceed it.
            if (context.ProblemDetails.Detail is { Length: > MaxDetailLength } detail)
            {
                context.ProblemDetails.Detail = detail[..MaxDetailLength];
            }
        });
        // After AddProblemDetails' own writer, which it stands in for when the request's Accept admits no JSON.
        builder.Services.AddSingleton<IProblemDetailsWriter, AnyAcceptProblemWriter>();
        builder.Services.AddExceptionHandler<ExceptionProblemHandler>();
        builder.Services.AddHostRefusalProblems();
        return builder;
    }

    /// <summary>
    /// The RFC section of a status, as ASP.NET Core writes for the statuses it knows; about:blank otherwise
    /// (RFC 9457 4.2.1).
    /// </summary>
    private static string TypeOf(int status) => status switch
    {
        StatusCodes.Status402PaymentRequired => "https://tools.ietf.org/html/rfc9110#section-15.5.3",
        StatusCodes.Status413PayloadTooLarge => "https://tools.ietf.org/html/rfc9110#section-15.5.14",
        StatusCodes.Status416RangeNotSatisfiable => "https://tools.ietf.org/html/rfc9110#section-15.5.17",
        StatusCodes.Status429TooManyRequests => "https://tools.ietf.org/html/rfc6585#section-4",
        _ => "about:blank",
    };

    private static string DefaultDetail(ProblemDetails problem) => problem switch
    {
        HttpValidationProblemDetails { Errors.Count: > 0 } => "See 'errors': what is wrong with each field, by name.",
        { Status: StatusCodes.Status413PayloadTooLarge } => "The request body is larger than this endpoint accepts.",
        { Status: StatusCodes.Status415UnsupportedMediaType } =>
            "This endpoint does not take the request's Content-Type.",
        { Status: StatusCodes.Status429TooManyRequests } => "Too many requests: wait for the time Retry-After gives.",
        { Status: StatusCodes.Status405MethodNotAllowed } =>
            "The path exists, but not for this method; the Allow header lists the methods it takes.",
        { Status: StatusCodes.Status404NotFound } => "Nothing is at this path.",
        _ => problem.Title!,
    };

    public static WebApplication UseMarketplaceProblems(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }

    /// <summary>Writes a problem response outside an endpoint (auth challenges, rate-limit rejections).</summary>
    public static ValueTask WriteProblem(this HttpContext http, int status, string title, string? detail = null)
    {
        http.Response.StatusCode = status;
        var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
        return problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }
}
