using BeatOrleans.Catalog.Files.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace BeatOrleans.Catalog.Files;

public static class FilesServiceCollectionExtensions
{
    /// <summary>The blob store <c>Blobs:Provider</c> names (local disk or S3), validated at start.</summary>
    public static IServiceCollection AddBlobStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<BlobStorageOptions>()
            .Bind(configuration.GetSection(BlobStorageOptions.Section))
            .ValidateOnStart();
        services.TryAddSingleton<IValidateOptions<BlobStorageOptions>, BlobStorageValidation>();
        services.TryAddSingleton<IBlobStore>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<BlobStorageOptions>>();
            return options.Value.IsS3 ? new S3BlobStore(options) : new LocalBlobStore(options);
        });
        return services;
    }

    /// <summary>Names each missing setting, where the lambda above can only say that one is missing.</summary>
    private sealed class BlobStorageValidation : IValidateOptions<BlobStorageOptions>
    {
        public ValidateOptionsResult Validate(string? name, BlobStorageOptions options) =>
            options.Problems() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
    }
}
