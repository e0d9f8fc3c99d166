using Microsoft.AspNetCore.HostFiltering;

namespace BeatOrleans.Api.Problems;

/// <summary>
/// Host filtering (<c>AllowedHosts</c>) answers before the application, so its 400 would carry ASP.NET Core's HTML
/// page. Two startup filters bracket it: the outer one writes the contract's problem when a request was refused
/// there, which it knows because the inner one, past host filtering, marks every request it lets through.
/// </summary>
internal static class HostRefusals
{
    private static readonly object Admitted = new();

    public static void AddHostRefusalProblems(this IServiceCollection services)
    {
        services.PostConfigure<HostFilteringOptions>(o => o.IncludeFailureMessage = false);
        // Startup filters run in registration order, the first outermost: host filtering's own was registered with
        // the web host's defaults, before these.
        services.Insert(0, ServiceDescriptor.Transient<IStartupFilter, Outer>());
        services.AddTransient<IStartupFilter, Inner>();
    }

    private sealed class Outer : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, following) =>
            {
                await following(context);
                if (context.Response is { StatusCode: StatusCodes.Status400BadRequest, HasStarted: false }
                    && !context.Items.ContainsKey(Admitted))
                {
                    await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new()
                    {
                        HttpContext = context,
                        ProblemDetails =
                        {
                            Status = StatusCodes.Status400BadRequest,
                            Detail = "The Host header names a host this server does not answer to (AllowedHosts, "
                                + "PublicBaseUrl).",
                        },
                    });
                }
            });
            next(app);
        };
    }

    private sealed class Inner : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, following) =>
            {
                context.Items[Admitted] = true;
                return following(context);
            });
            next(app);
        };
    }
}
