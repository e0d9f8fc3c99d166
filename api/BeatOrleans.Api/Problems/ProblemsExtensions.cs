using Microsoft.AspNetCore.Diagnostics;

namespace BeatOrleans.Api.Problems;

public static class ProblemsExtensions
{
    /// <summary>RFC 9457 bodies for every error: validation, 404/405, auth, thrown exceptions (never a stack trace).</summary>
    public static WebApplicationBuilder AddMarketplaceProblems(this WebApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
            context.ProblemDetails.Extensions.Remove("exception");
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
