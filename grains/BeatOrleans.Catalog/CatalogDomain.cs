using BeatOrleans.Catalog.Files;
using BeatOrleans.Catalog.Listings;
using BeatOrleans.Catalog.Media;
using BeatOrleans.Catalog.Uploads;
using BeatOrleans.Contracts;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;

namespace BeatOrleans.Catalog;

/// <summary>The catalog domain as a silo loads it: beats, media processing, blob storage and the query model.</summary>
public static class CatalogDomain
{
    public const string Name = "catalog";

    public static IServiceCollection AddCatalogDomain(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddKeyedSingleton(Clocks.Market, TimeProvider.System);
        services.AddBlobStorage(configuration);
        services.AddOptions<CatalogOptions>()
            .Bind(configuration.GetSection(CatalogOptions.Section))
            .Validate(o => o.SyncPeriod > TimeSpan.Zero && o.RetryPeriod > TimeSpan.Zero && o.MaxProcessingAttempts >= 1 && o.PlaysListingDelay > TimeSpan.Zero
                    && o.RepeatPlayWindow >= TimeSpan.Zero && o.MaxRememberedListeners >= 1
                    && o.MaxListenersPerAddress >= 1
                    && o.UnclaimedUploadRetention > TimeSpan.Zero && o.UnclaimedUploadSweepPeriod > TimeSpan.Zero
                    && o.ReplacedCoverRetention >= TimeSpan.Zero,
                $"{CatalogOptions.Section}: SyncPeriod, RetryPeriod, PlaysListingDelay, UnclaimedUploadRetention and "
                + "UnclaimedUploadSweepPeriod must be positive, MaxProcessingAttempts, MaxRememberedListeners and "
                + "MaxListenersPerAddress at least 1, RepeatPlayWindow and ReplacedCoverRetention not negative.")
            .ValidateOnStart();
        // Orleans refuses reminders shorter than MinimumReminderPeriod (1 min by default); a shorter sync period is a
        // deliberate choice (tests, impatient operators), so the floor follows it.
        services.AddOptions<ReminderOptions>().PostConfigure<IOptions<CatalogOptions>>((reminders, catalog) =>
            reminders.MinimumReminderPeriod = TimeSpan.FromTicks(Math.Min(reminders.MinimumReminderPeriod.Ticks, catalog.Value.SyncPeriod.Ticks)));
        services.AddOptions<MediaOptions>()
            .Bind(configuration.GetSection(MediaOptions.Section))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<MediaOptions>, MediaOptionsValidation>();
        services.AddSingleton<DefaultVoiceTag>();
        services.AddSingleton<MediaPipeline>();
        services.AddSingleton<CoverPipeline>();
        services.AddSingleton<ICatalogStore>(_ => CreateStore(configuration));
        services.AddHostedService<UnclaimedUploadSweeper>();
        return services;
    }

    /// <summary>The cluster keeps the query model in PostgreSQL; every other profile in the silo's SQLite file.</summary>
    private static ICatalogStore CreateStore(IConfiguration configuration)
    {
        if (configuration["Orleans:Mode"] == "cluster")
        {
            var postgres = configuration.GetConnectionString("Postgres")
                ?? throw new InvalidOperationException("ConnectionStrings:Postgres is required for the catalogue in the cluster profile.");
            return new PostgresCatalogStore(NpgsqlDataSource.Create(postgres));
        }

        return new SqliteCatalogStore(configuration.GetConnectionString("Sqlite") ?? "Data Source=data/beatorleans.db");
    }

    private sealed class MediaOptionsValidation : IValidateOptions<MediaOptions>
    {
        public ValidateOptionsResult Validate(string? name, MediaOptions options) =>
            options.Problems() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
    }
}
