using BeatOrleans.Api.Auth;
using BeatOrleans.Api.Catalog;
using BeatOrleans.Api.Chat;
using BeatOrleans.Api.Health;
using BeatOrleans.Api.Notifications;
using BeatOrleans.Api.Orleans;
using BeatOrleans.Api.Purchasing;
using BeatOrleans.Api.RealTime;
using BeatOrleans.Api.Security;
using BeatOrleans.Api.Telemetry;
using BeatOrleans.Api.Users;
using BeatOrleans.Api.WebClient;
using BeatOrleans.Hosting.Logging;
using BeatOrleans.Hosting.Shutdown;
using BeatOrleans.Hosting.Startup;

// A start refused for a setting, or for Redis or PostgreSQL not answering, ends with one line saying why (exit code 1).
return StartupFailure.Run("The BeatOrleans API", () =>
{
    // The settings beside the binaries apply wherever the process is started from; data/ stays in the working folder.
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

    builder.Logging.AddSecretRedaction();

    builder.AddMarketplaceTelemetry();
    builder.AddBeatOrleans();
    builder.AddApiConventions();
    builder.AddProxyHeaders();
    builder.AddMarketplaceProblems();
    builder.AddMarketplaceCors();
    builder.AddMarketplaceAuth();
    builder.AddMarketplaceRateLimits();
    builder.AddMarketplaceHealthChecks();
    builder.AddUserCaches();
    builder.AddMarketplaceRealTime();
    builder.AddMarketplaceCatalog();
    builder.AddWebClient();
    builder.Services.AddGracefulShutdown(builder.Configuration);

    var app = builder.Build();

    app.UseProxyHeaders();
    app.UseMarketplaceTelemetry();
    app.UseGracefulShutdown();
    app.UseSecurityHeaders();
    app.UseMarketplaceProblems();
    app.UseWebClient();
    app.UseCors();
    app.UseAuthentication();
    app.UseAuthorization();
    app.UseRateLimiter();

    app.MapOperationsEndpoints();
    app.MapUsersEndpoints();
    app.MapCatalogEndpoints();
    app.MapPurchasingEndpoints();
    app.MapChatEndpoints();
    app.MapNotificationsEndpoints();
    app.MapMarketplaceRealTime();
    app.MapWebClient();

    app.Run();
});

/// <summary>The API host; public so tests can start it through WebApplicationFactory.</summary>
public partial class Program;
