using System.Text.Json;
using BeatOrleans.Api.Conventions;
using BeatOrleans.Api.Orleans;
using BeatOrleans.Hosting.Storage;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using BeatOrleans.Api.Auth;
using Orleans.Dashboard;
using Scalar.AspNetCore;

namespace BeatOrleans.Api.Health;

public static class HealthExtensions
{
    private static readonly JsonSerializerOptions ReportJson = CreateReportJson();

    public static WebApplicationBuilder AddMarketplaceHealthChecks(this WebApplicationBuilder builder)
    {
        var checks = builder.Services.AddHealthChecks().AddCheck<OrleansClusterHealthCheck>("orleans", tags: ["ready"]);
        if (builder.Configuration["Orleans:Mode"] is null or "embedded")
        {
            var sqlite = builder.Configuration.GetConnectionString("Sqlite") ?? "Data Source=data/beatorleans.db";
            checks.Add(new HealthCheckRegistration("sqlite", _ => new SqliteHealthCheck(sqlite), null, ["ready"]));
        }

        return builder;
    }

    /// <summary>Health, the OpenAPI document and its reference UI (anonymous), and the Orleans dashboard (operators outside embedded).</summary>
    public static WebApplication MapOperationsEndpoints(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteReport })
            .AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready"), ResponseWriter = WriteReport })
            .AllowAnonymous();
        app.MapOpenApi().AllowAnonymous();
        var dashboard = app.MapOrleansDashboard(routePrefix: "/dashboard");
        if (app.Services.GetRequiredService<OrleansMode>().Embedded)
        {
            dashboard.AllowAnonymous();
        }
        else
        {
            dashboard.RequireAuthorization(OperatorAuthenticationHandler.Policy);
        }

        app.MapScalarApiReference(o => o.WithTitle("BeatOrleans API")).AllowAnonymous();
        return app;
    }

    private static JsonSerializerOptions CreateReportJson()
    {
        var json = new JsonSerializerOptions();
        ApiConventions.Configure(json);
        return json;
    }

    private static Task WriteReport(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json";
        var body = new
        {
            Status = report.Status.ToString(),
            Checks = report.Entries.Select(e => new
            {
                Name = e.Key,
                Status = e.Value.Status.ToString(),
                e.Value.Description,
                DurationMs = Math.Round(e.Value.Duration.TotalMilliseconds, 1),
            }),
        };
        return http.Response.WriteAsync(JsonSerializer.Serialize(body, ReportJson));
    }
}
