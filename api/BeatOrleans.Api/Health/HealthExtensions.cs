using BeatOrleans.Api.Auth;
using BeatOrleans.Api.Orleans;
using BeatOrleans.Api.Security;
using BeatOrleans.Hosting;
using BeatOrleans.Hosting.Health;
using BeatOrleans.Messaging;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Dashboard;
using Scalar.AspNetCore;

namespace BeatOrleans.Api.Health;

public static class HealthExtensions
{
    /// <summary>
    /// Readiness of this node: the cluster answers, and the stores it uses itself (SQLite embedded, Redis membership in
    /// the cluster, the audio store in every profile; the broker embedded). A dependency every node shares (Redis, the
    /// audio store, the broker) is <c>Degraded</c> while it is down, still 200: taking every node out of its load
    /// balancer would turn an outage of some requests (measured with Redis stopped: writes and sign-ins failed, reads
    /// went on) into an outage of all of them, the web client included.
    /// </summary>
    public static WebApplicationBuilder AddMarketplaceHealthChecks(this WebApplicationBuilder builder)
    {
        var checks = builder.Services.AddHealthChecks()
            .AddCheck<OrleansClusterHealthCheck>("orleans", tags: [HealthChecksExtensions.ReadyTag])
            .AddCheck<BlobStoreHealthCheck>(
                BlobStoreHealthCheck.Name, HealthStatus.Degraded, [HealthChecksExtensions.ReadyTag]);
        var mode = OrleansMode.From(builder.Configuration);
        if (mode.Embedded)
        {
            checks.AddStorageChecks(builder.Configuration.GetSiloHostingOptions())
                .AddBrokerCheck(builder.Configuration, HealthChecksExtensions.ReadyTag);
        }
        else if (mode.Name == OrleansMode.Cluster && builder.Configuration.GetConnectionString("Redis") is { } redis)
        {
            var check = new RedisHealthCheck(redis);
            checks.Add(new HealthCheckRegistration(
                "redis", _ => check, HealthStatus.Degraded, [HealthChecksExtensions.ReadyTag]));
        }

        return builder;
    }

    /// <summary>Health, the OpenAPI document and its reference UI (anonymous), and the Orleans dashboard (operators, unless this node listens on loopback only).</summary>
    public static WebApplication MapOperationsEndpoints(this WebApplication app)
    {
        foreach (var endpoint in app.MapBeatOrleansHealth())
        {
            endpoint.AllowAnonymous();
        }

        app.MapOpenApi().AllowAnonymous();
        // No web fonts from fonts.scalar.com, no AI agent, MCP or telemetry (each calls Scalar's servers, the agent
        // with this API's description), no developer tools (SDK generation and deploy links need scalar.com): the
        // reference loads nothing from outside this API (works offline, tells no third party).
        app.MapScalarApiReference(o => o.WithTitle("BeatOrleans API").DisableDefaultFonts()
            .DisableAgent().DisableMcp().DisableTelemetry().HideDeveloperTools()).AllowAnonymous();
        // The dashboard's live log (/dashboard/Trace) is a response that never ends: a stopping node ends it rather
        // than wait out Shutdown:Timeout and then stop its silo in a hurry.
        app.Use(async (http, next) =>
        {
            if (!http.Request.Path.StartsWithSegments("/dashboard", StringComparison.OrdinalIgnoreCase))
            {
                await next(http);
                return;
            }

            var lifetime = http.RequestServices.GetRequiredService<IHostApplicationLifetime>();
            using var stopping = lifetime.ApplicationStopping.Register(http.Abort);
            await next(http);
        });
        app.MapOrleansDashboard(routePrefix: "/dashboard").RequireAuthorization(DashboardAccess.Policy);
        return app;
    }
}
