using BeatOrleans.Catalog.Files;
using Microsoft.Extensions.Options;

namespace BeatOrleans.Api.Catalog;

public static class CatalogExtensions
{
    /// <summary>Blob storage (shared with the catalog silos), upload limits, signed URLs, the search cache.</summary>
    public static WebApplicationBuilder AddMarketplaceCatalog(this WebApplicationBuilder builder)
    {
        builder.Services.AddBlobStorage(builder.Configuration);
        builder.Services.AddOptions<UploadOptions>()
            .Bind(builder.Configuration.GetSection(UploadOptions.Section))
            .Validate(o => o.MaxAudioBytes > 0 && o.MaxStemsBytes > 0 && o.MaxVoiceTagBytes > 0, $"{UploadOptions.Section}: limits must be positive.")
            .Validate(o => o.StreamUrlLifetime > TimeSpan.Zero && o.UploadUrlLifetime > TimeSpan.Zero, $"{UploadOptions.Section}: URL lifetimes must be positive.")
            .ValidateOnStart();
        builder.Services.AddSingleton<SignedUrls>();
        builder.Services.AddOptions<SearchCacheOptions>()
            .Bind(builder.Configuration.GetSection(SearchCacheOptions.Section))
            .Validate(o => o.Duration >= TimeSpan.Zero && o.Duration <= TimeSpan.FromMinutes(1),
                $"{SearchCacheOptions.Section}:Duration must be between 0 and 1 minute.")
            .Validate(o => o.MaxEntries is > 0 and <= 1_000_000,
                $"{SearchCacheOptions.Section}:MaxEntries must be between 1 and 1000000.")
            .ValidateOnStart();
        builder.Services.AddSingleton(services => new SearchCache(
            services.GetRequiredService<IGrainFactory>(),
            services.GetRequiredService<IOptions<SearchCacheOptions>>(),
            services.GetRequiredService<TimeProvider>()));
        return builder;
    }
}
