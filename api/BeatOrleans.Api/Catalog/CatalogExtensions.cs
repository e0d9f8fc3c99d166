using BeatOrleans.Catalog.Files;

namespace BeatOrleans.Api.Catalog;

public static class CatalogExtensions
{
    /// <summary>Blob storage (the same the catalog silos use), upload limits and signed URLs.</summary>
    public static WebApplicationBuilder AddMarketplaceCatalog(this WebApplicationBuilder builder)
    {
        builder.Services.AddBlobStorage(builder.Configuration);
        builder.Services.AddOptions<UploadOptions>()
            .Bind(builder.Configuration.GetSection(UploadOptions.Section))
            .Validate(o => o.MaxAudioBytes > 0 && o.MaxStemsBytes > 0 && o.MaxVoiceTagBytes > 0, $"{UploadOptions.Section}: limits must be positive.")
            .Validate(o => o.StreamUrlLifetime > TimeSpan.Zero && o.UploadUrlLifetime > TimeSpan.Zero, $"{UploadOptions.Section}: URL lifetimes must be positive.")
            .ValidateOnStart();
        builder.Services.AddSingleton<SignedUrls>();
        return builder;
    }
}
