using System.Buffers;
using System.Net;
using System.Runtime.CompilerServices;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Options;

namespace BeatOrleans.Catalog.Files.Blobs;

/// <summary>
/// Blobs in an S3 bucket (AWS or an S3-compatible server). Writes go up in parts of
/// <see cref="BlobStorageOptions.S3Settings.PartSizeBytes"/>, so an upload holds one part in memory, never the file.
/// </summary>
public sealed class S3BlobStore : IBlobStore, IDisposable
{
    private readonly AmazonS3Client client;
    private readonly AmazonS3Client presigner;
    private readonly BlobStorageOptions.S3Settings settings;

    public S3BlobStore(IOptions<BlobStorageOptions> options)
    {
        settings = options.Value.S3;
        client = Connect(settings.ServiceUrl);
        // Presigning is computed here, no request is sent: a URL signed for the public endpoint is what a browser can use,
        // while this process keeps talking to the bucket on the internal one (a container or cluster network name).
        presigner = string.IsNullOrWhiteSpace(settings.PublicServiceUrl) ? client : Connect(settings.PublicServiceUrl);
    }

    private AmazonS3Client Connect(string? serviceUrl)
    {
        var config = new AmazonS3Config
        {
            ForcePathStyle = settings.ForcePathStyle,
            AuthenticationRegion = settings.Region,
            // S3-compatible servers reject the SDK's default CRC trailers; checksums only where S3 requires them.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (string.IsNullOrWhiteSpace(serviceUrl))
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(settings.Region);
        }
        else
        {
            config.ServiceURL = serviceUrl;
        }

        // Without a configured key the SDK's default chain finds one: environment variables, a shared profile, a web
        // identity token (EKS service accounts), the ECS task role or the EC2 instance profile. No secret in settings.
        return settings.HasKey
            ? new AmazonS3Client(new BasicAWSCredentials(settings.AccessKey, settings.SecretKey), config)
            : new AmazonS3Client(config);
    }

    public async Task<long> Write(string key, Stream content, long maxBytes, string contentType, CancellationToken cancellationToken)
    {
        CheckKey(key);
        var partSize = settings.PartSizeBytes;
        var buffer = ArrayPool<byte>.Shared.Rent(partSize);
        string? uploadId = null;
        try
        {
            var parts = new List<PartETag>();
            long total = 0;
            while (true)
            {
                var filled = await Fill(content, buffer, partSize, cancellationToken);
                total += filled;
                if (total > maxBytes)
                {
                    throw new BlobTooLargeException(maxBytes);
                }

                if (uploadId is null && filled < partSize)
                {
                    // Small enough for one request: no multipart upload to start, complete or abort.
                    await client.PutObjectAsync(new PutObjectRequest
                    {
                        BucketName = settings.Bucket,
                        Key = key,
                        ContentType = contentType,
                        InputStream = new MemoryStream(buffer, 0, filled, writable: false),
                        UseChunkEncoding = false,
                    }, cancellationToken);
                    return total;
                }

                if (filled == 0)
                {
                    break;
                }

                uploadId ??= (await client.InitiateMultipartUploadAsync(
                    new InitiateMultipartUploadRequest { BucketName = settings.Bucket, Key = key, ContentType = contentType }, cancellationToken)).UploadId;
                var part = await client.UploadPartAsync(new UploadPartRequest
                {
                    BucketName = settings.Bucket,
                    Key = key,
                    UploadId = uploadId,
                    PartNumber = parts.Count + 1,
                    PartSize = filled,
                    InputStream = new MemoryStream(buffer, 0, filled, writable: false),
                    UseChunkEncoding = false,
                }, cancellationToken);
                parts.Add(new PartETag(part.PartNumber ?? parts.Count + 1, part.ETag));
                if (filled < partSize)
                {
                    break;
                }
            }

            await client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = settings.Bucket,
                Key = key,
                UploadId = uploadId,
                PartETags = parts,
            }, cancellationToken);
            uploadId = null;
            return total;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            if (uploadId is not null)
            {
                // An abandoned multipart upload keeps its parts (and their cost) until aborted. Best effort: a failed
                // abort must not hide why the write stopped, and a bucket lifecycle rule collects what it leaves.
                try
                {
                    await client.AbortMultipartUploadAsync(
                        new AbortMultipartUploadRequest { BucketName = settings.Bucket, Key = key, UploadId = uploadId }, CancellationToken.None);
                }
                catch (AmazonS3Exception)
                {
                }
            }
        }
    }

    public async Task Upload(string key, string path, string contentType, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(path);
        await Write(key, file, long.MaxValue, contentType, cancellationToken);
    }

    public async Task Download(string key, string path, CancellationToken cancellationToken)
    {
        CheckKey(key);
        using var response = await client.GetObjectAsync(settings.Bucket, key, cancellationToken);
        await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 128 * 1024, useAsync: true);
        await response.ResponseStream.CopyToAsync(file, cancellationToken);
    }

    public async Task<byte[]> ReadHead(string key, int count, CancellationToken cancellationToken)
    {
        CheckKey(key);
        using var response = await client.GetObjectAsync(new GetObjectRequest
        {
            BucketName = settings.Bucket,
            Key = key,
            ByteRange = new ByteRange(0, count - 1),
        }, cancellationToken);
        using var head = new MemoryStream();
        await response.ResponseStream.CopyToAsync(head, cancellationToken);
        return head.ToArray();
    }

    public async Task<long?> Size(string key, CancellationToken cancellationToken)
    {
        CheckKey(key);
        try
        {
            var metadata = await client.GetObjectMetadataAsync(settings.Bucket, key, cancellationToken);
            return metadata.ContentLength;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task Delete(string key, CancellationToken cancellationToken)
    {
        CheckKey(key);
        await client.DeleteObjectAsync(settings.Bucket, key, cancellationToken);
    }

    public async Task Move(string source, string target, CancellationToken cancellationToken)
    {
        CheckKey(source);
        CheckKey(target);
        try
        {
            // Server-side: the bytes do not pass through this process (a single copy takes objects up to 5 GB).
            await client.CopyObjectAsync(settings.Bucket, source, settings.Bucket, target, cancellationToken);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            throw new BlobNotFoundException(source);
        }

        await client.DeleteObjectAsync(settings.Bucket, source, cancellationToken);
    }

    public async IAsyncEnumerable<string> ListWrittenBefore(string prefix, DateTimeOffset before, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var request = new ListObjectsV2Request { BucketName = settings.Bucket, Prefix = prefix };
        ListObjectsV2Response page;
        do
        {
            page = await client.ListObjectsV2Async(request, cancellationToken);
            foreach (var blob in page.S3Objects ?? [])
            {
                if (blob.LastModified is { } written && written.ToUniversalTime() < before.UtcDateTime && BlobKeys.IsValid(blob.Key))
                {
                    yield return blob.Key;
                }
            }

            request.ContinuationToken = page.NextContinuationToken;
        }
        while (page.IsTruncated == true);
    }

    public BlobLocation Locate(string key, TimeSpan lifetime, string? downloadName = null) => new(null, Presign(key, HttpVerb.GET, null, lifetime, downloadName));

    public Uri? PresignUpload(string key, string contentType, TimeSpan lifetime) => Presign(key, HttpVerb.PUT, contentType, lifetime, null);

    public void Dispose()
    {
        client.Dispose();
        if (!ReferenceEquals(presigner, client))
        {
            presigner.Dispose();
        }
    }

    private Uri Presign(string key, HttpVerb verb, string? contentType, TimeSpan lifetime, string? downloadName)
    {
        CheckKey(key);
        var request = new GetPreSignedUrlRequest
        {
            BucketName = settings.Bucket,
            Key = key,
            Verb = verb,
            Expires = DateTime.UtcNow.Add(lifetime),
            Protocol = (string.IsNullOrWhiteSpace(settings.PublicServiceUrl) ? settings.ServiceUrl : settings.PublicServiceUrl)
                ?.StartsWith("http://", StringComparison.OrdinalIgnoreCase) == true ? Protocol.HTTP : Protocol.HTTPS,
        };
        if (contentType is not null)
        {
            request.ContentType = contentType;
        }

        if (downloadName is not null)
        {
            // S3 answers with this header (response-content-disposition is part of the signature): a deliverable is
            // saved as a file, never shown inline.
            request.ResponseHeaderOverrides.ContentDisposition = new System.Net.Mime.ContentDisposition { FileName = downloadName }.ToString();
        }

        return new Uri(presigner.GetPreSignedURL(request));
    }

    private static async Task<int> Fill(Stream content, byte[] buffer, int size, CancellationToken cancellationToken)
    {
        var filled = 0;
        int read;
        while (filled < size && (read = await content.ReadAsync(buffer.AsMemory(filled, size - filled), cancellationToken)) > 0)
        {
            filled += read;
        }

        return filled;
    }

    private static void CheckKey(string key)
    {
        if (!BlobKeys.IsValid(key))
        {
            throw new ArgumentException($"'{key}' is not a blob key.", nameof(key));
        }
    }
}
