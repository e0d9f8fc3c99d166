namespace BeatOrleans.Catalog.Files.Blobs;

/// <summary>Section <c>Blobs</c>: where audio lives. <c>Provider</c> is <c>local</c> (default) or <c>s3</c>.</summary>
public sealed class BlobStorageOptions
{
    public const string Section = "Blobs";

    public string Provider { get; set; } = "local";

    /// <summary>Root folder of the local store, relative to the working directory unless absolute.</summary>
    public string LocalRoot { get; set; } = "data/blobs";

    public S3Settings S3 { get; set; } = new();

    public bool IsS3 => Provider.Equals("s3", StringComparison.OrdinalIgnoreCase);

    public sealed class S3Settings
    {
        /// <summary>The endpoint of an S3-compatible server; empty means AWS itself (with <see cref="Region"/>).</summary>
        public string? ServiceUrl { get; set; }

        /// <summary>
        /// The endpoint clients reach the bucket at, when it differs from <see cref="ServiceUrl"/> (which this process
        /// uses): presigned stream, upload and download URLs start with it. E.g. ServiceUrl <c>http://s3:9000</c> on a
        /// container network, PublicServiceUrl <c>https://media.example.com</c>. Empty: the URLs use ServiceUrl.
        /// </summary>
        public string? PublicServiceUrl { get; set; }

        public string Bucket { get; set; } = "";

        public string Region { get; set; } = "us-east-1";

        public string? AccessKey { get; set; }

        public string? SecretKey { get; set; }

        /// <summary>A key pair is configured; without one the AWS SDK's default credential chain is used.</summary>
        public bool HasKey => !string.IsNullOrWhiteSpace(AccessKey) && !string.IsNullOrWhiteSpace(SecretKey);

        /// <summary>Path-style addressing (http://host/bucket/key), which S3-compatible servers need.</summary>
        public bool ForcePathStyle { get; set; } = true;

        /// <summary>Size of each part of a multipart upload; S3's minimum is 5 MiB. Bounds the memory an upload holds.</summary>
        public int PartSizeBytes { get; set; } = 8 * 1024 * 1024;
    }

    /// <summary>The names of missing or wrong settings, empty when the options are usable.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (!IsS3 && !Provider.Equals("local", StringComparison.OrdinalIgnoreCase))
        {
            problems.Add($"{Section}:Provider must be 'local' or 's3', not '{Provider}'.");
        }

        if (IsS3)
        {
            if (string.IsNullOrWhiteSpace(S3.Bucket))
            {
                problems.Add($"{Section}:S3:Bucket is required when {Section}:Provider is s3.");
            }

            if (string.IsNullOrWhiteSpace(S3.AccessKey) != string.IsNullOrWhiteSpace(S3.SecretKey))
            {
                problems.Add($"{Section}:S3:AccessKey and {Section}:S3:SecretKey go together: set both, or neither to use the AWS default credential chain.");
            }

            foreach (var (name, url) in new[] { ("ServiceUrl", S3.ServiceUrl), ("PublicServiceUrl", S3.PublicServiceUrl) })
            {
                if (!string.IsNullOrWhiteSpace(url) && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
                {
                    problems.Add($"{Section}:S3:{name} must be an absolute http(s) URL, not '{url}'.");
                }
            }

            if (S3.PartSizeBytes < 5 * 1024 * 1024)
            {
                problems.Add($"{Section}:S3:PartSizeBytes must be at least 5 MiB (S3's minimum part size).");
            }
        }
        else if (string.IsNullOrWhiteSpace(LocalRoot))
        {
            problems.Add($"{Section}:LocalRoot is required when {Section}:Provider is local.");
        }

        return problems;
    }
}
