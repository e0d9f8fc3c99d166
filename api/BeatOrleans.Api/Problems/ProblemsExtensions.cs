using System.Diagnostics;
using Microsoft.AspNetCore.Diagnostics;

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
        builder.Services.AddExceptionHandler<ExceptionProblemHandler>();
        return builder;
    }

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
