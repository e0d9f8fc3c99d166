using System.Net;
using BeatOrleans.Catalog.Files.Blobs;
using Microsoft.Extensions.Options;

namespace BeatOrleans.Integration.Tests.Catalog;

/// <summary>The S3 adapter against the S3-compatible server scripts/test.sh runs (s3rver).</summary>
public sealed class S3BlobStoreTests : IDisposable
{
    private readonly S3BlobStore store = new(Options.Create(Settings()));
    private readonly HttpClient http = new();

    public static BlobStorageOptions Settings() => new()
    {
        Provider = "s3",
        S3 = new BlobStorageOptions.S3Settings
        {
            ServiceUrl = Required("BEATORLEANS_TEST_S3"),
            Bucket = Required("BEATORLEANS_TEST_S3_BUCKET"),
            AccessKey = Required("BEATORLEANS_TEST_S3_ACCESS_KEY"),
            SecretKey = Required("BEATORLEANS_TEST_S3_SECRET_KEY"),
            PartSizeBytes = 5 * 1024 * 1024,
        },
    };

    [Fact]
    public async Task A_large_write_goes_up_in_parts_and_reads_back_byte_for_byte()
    {
        var key = $"masters/{Guid.NewGuid():N}/master.wav";
        var content = new byte[(12 * 1024 * 1024) + 12345];
        Random.Shared.NextBytes(content);
        // A non-seekable source, like a request body.
        var written = await store.Write(key, new NonSeekable(content), content.Length, "audio/wav", default);
        Assert.Equal(content.Length, written);
        Assert.Equal(content.Length, await store.Size(key, default));

        var path = Path.GetTempFileName();
        await store.Download(key, path, default);
        Assert.Equal(content, await File.ReadAllBytesAsync(path));
        Assert.Equal(content[..16], await store.ReadHead(key, 16, default));
        File.Delete(path);
    }

    [Fact]
    public async Task A_write_over_the_limit_keeps_nothing()
    {
        var key = $"masters/{Guid.NewGuid():N}/master.wav";
        var content = new byte[6 * 1024 * 1024];
        await Assert.ThrowsAsync<BlobTooLargeException>(() => store.Write(key, new NonSeekable(content), 5 * 1024 * 1024, "audio/wav", default));
        Assert.Null(await store.Size(key, default));
    }

    [Fact]
    public async Task A_moved_blob_is_gone_from_its_old_key_and_old_incoming_blobs_are_listed()
    {
        var user = Guid.NewGuid().ToString("N");
        var incoming = BlobKeys.Incoming(user, Guid.NewGuid().ToString("N"));
        var master = BlobKeys.Master(Guid.NewGuid().ToString("N"), "wav");
        var content = Enumerable.Range(0, 3000).Select(i => (byte)i).ToArray();
        await store.Write(incoming, new MemoryStream(content), content.Length, "audio/wav", default);
        var fresh = BlobKeys.Incoming(user, Guid.NewGuid().ToString("N"));
        await store.Write(fresh, new MemoryStream(content), content.Length, "audio/wav", default);

        var listed = await store.ListWrittenBefore($"{BlobKeys.IncomingPrefix}{user}/", DateTimeOffset.UtcNow.AddMinutes(1), default).ToListAsync();
        Assert.Equal(new[] { fresh, incoming }.Order(), listed.Order());
        Assert.Empty(await store.ListWrittenBefore($"{BlobKeys.IncomingPrefix}{user}/", DateTimeOffset.UtcNow.AddMinutes(-1), default).ToListAsync());

        await store.Move(incoming, master, default);
        Assert.Null(await store.Size(incoming, default));
        Assert.Equal(content.Length, await store.Size(master, default));
        await Assert.ThrowsAsync<BlobNotFoundException>(() => store.Move(incoming, master, default));

        // A deliverable's presigned URL answers as a download under its name, never inline.
        var download = await http.GetAsync(store.Locate(master, TimeSpan.FromMinutes(1), "Night Drive - wav_lease - wav.wav").Url);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal(content, await download.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Presigned_urls_serve_ranges_accept_uploads_and_expire()
    {
        var key = $"previews/{Guid.NewGuid():N}/preview.mp3";
        var content = Enumerable.Range(0, 5000).Select(i => (byte)i).ToArray();
        await store.Write(key, new MemoryStream(content), content.Length, "audio/mpeg", default);

        var url = store.Locate(key, TimeSpan.FromMinutes(1)).Url!;
        using var range = new HttpRequestMessage(HttpMethod.Get, url);
        range.Headers.TryAddWithoutValidation("Range", "bytes=100-199");
        var partial = await http.SendAsync(range);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal(content[100..200], await partial.Content.ReadAsByteArrayAsync());

        var expired = store.Locate(key, TimeSpan.FromSeconds(1)).Url!;
        await Task.Delay(TimeSpan.FromSeconds(2.5)); // the URL's own lifetime, not a wait for the system under test
        Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync(expired)).StatusCode);

        var uploadKey = $"incoming/u1/{Guid.NewGuid():N}";
        var put = store.PresignUpload(uploadKey, "application/octet-stream", TimeSpan.FromMinutes(1))!;
        var body = new ByteArrayContent(content);
        body.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
        Assert.Equal(HttpStatusCode.OK, (await http.PutAsync(put, body)).StatusCode);
        Assert.Equal(content.Length, await store.Size(uploadKey, default));

        await store.Delete(uploadKey, default);
        Assert.Null(await store.Size(uploadKey, default));
    }

    [Fact]
    public async Task Presigned_urls_name_the_public_endpoint_while_the_store_talks_to_the_internal_one()
    {
        // Two names of the one server: 127.0.0.1 as the internal endpoint, localhost as the one clients are given.
        var settings = Settings();
        var publicUrl = new UriBuilder(settings.S3.ServiceUrl!) { Host = "localhost" }.Uri.ToString().TrimEnd('/');
        settings.S3.PublicServiceUrl = publicUrl;
        using var split = new S3BlobStore(Options.Create(settings));
        var key = $"previews/{Guid.NewGuid():N}/preview.mp3";
        var content = Enumerable.Range(0, 3000).Select(i => (byte)(i * 7)).ToArray();
        await split.Write(key, new MemoryStream(content), content.Length, "audio/mpeg", default);

        var url = split.Locate(key, TimeSpan.FromMinutes(1)).Url!;
        Assert.StartsWith($"{publicUrl}/", url.ToString(), StringComparison.Ordinal);
        Assert.Equal(content, await http.GetByteArrayAsync(url)); // signed for the host it names

        var put = split.PresignUpload($"incoming/u1/{Guid.NewGuid():N}", "application/octet-stream", TimeSpan.FromMinutes(1))!;
        Assert.Equal("localhost", put.Host);
        await split.Delete(key, default);
    }

    [Fact]
    public async Task Without_a_configured_key_the_aws_default_credential_chain_is_used()
    {
        var settings = Settings();
        var (accessKey, secretKey) = (settings.S3.AccessKey!, settings.S3.SecretKey!);
        (settings.S3.AccessKey, settings.S3.SecretKey) = (null, null);
        Assert.Empty(settings.Problems());
        // The chain's first source; the others (profile, web identity, container and instance roles) are the platform's.
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", accessKey);
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", secretKey);
        try
        {
            using var chained = new S3BlobStore(Options.Create(settings));
            var key = $"masters/{Guid.NewGuid():N}/master.wav";
            await chained.Write(key, new MemoryStream([1, 2, 3]), 3, "audio/wav", default);
            Assert.Equal(3, await chained.Size(key, default));
            await chained.Delete(key, default);
        }
        finally
        {
            Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", null);
            Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", null);
        }
    }

    [Theory]
    [InlineData("key", null, "go together")]
    [InlineData(null, "secret", "go together")]
    public void A_key_without_its_secret_is_refused_at_start(string? accessKey, string? secretKey, string problem)
    {
        var settings = Settings();
        (settings.S3.AccessKey, settings.S3.SecretKey, settings.S3.PublicServiceUrl) = (accessKey, secretKey, "not a url");

        var problems = settings.Problems();

        Assert.Contains(problems, p => p.Contains(problem, StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("PublicServiceUrl", StringComparison.Ordinal));
    }

    public void Dispose()
    {
        store.Dispose();
        http.Dispose();
    }

    private static string Required(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
        ? value
        : throw new InvalidOperationException($"{name} is not set: run the integration tests through ./scripts/test.sh.");

    private sealed class NonSeekable(byte[] content) : MemoryStream(content)
    {
        public override bool CanSeek => false;
    }
}
