using BeatOrleans.Hosting;
using BeatOrleans.Hosting.Health;
using BeatOrleans.Hosting.Logging;
using BeatOrleans.Hosting.Shutdown;
using BeatOrleans.Hosting.Startup;
using BeatOrleans.Hosting.Telemetry;
using BeatOrleans.Messaging;

// A stand-alone silo: Silo:Domains says which domains' grains it hosts (e.g. --Silo:Domains=users), Orleans:Mode
// where it finds the cluster and keeps state. It serves /health/live, /health/ready and /metrics on Urls (a small port).
// A start refused for a setting, or for Redis or PostgreSQL not answering, ends with one line saying why (exit code 1).
return StartupFailure.Run("The BeatOrleans silo", () =>
{
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
    builder.Logging.AddSecretRedaction();
    var options = builder.Configuration.GetSiloHostingOptions();
    builder.AddBeatOrleansTelemetry(ServiceNames.Silo(options.Domains));

    builder.UseOrleans(silo => silo.AddBeatOrleansSilo(builder.Configuration, options));
    builder.Services.AddHealthChecks()
        .AddCheck<SiloHealthCheck>("silo", tags: [HealthChecksExtensions.ReadyTag])
        .AddStorageChecks(options)
        .AddBrokerCheck(builder.Configuration, HealthChecksExtensions.ReadyTag);
    builder.Services.AddGracefulShutdown(builder.Configuration);

    var app = builder.Build();
    app.UseGracefulShutdown();
    app.UseBeatOrleansMetrics(onEveryPort: true);
    app.MapBeatOrleansHealth();
    app.Run();
});
