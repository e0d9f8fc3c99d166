using System.Net;
using BeatOrleans.Catalog.Files.Blobs;
using Microsoft.Extensions.Options;

namespace BeatOrleans.Integration.Tests.Catalog;

/// <summary>The catalogue in the cluster profile: a catalog silo, PostgreSQL query model, audio in S3.</summary>
[Collection(LocalClusterGroup.Name)]
public sealed class ClusterCatalogTests(LocalCluster cluster)
{
    [Fact]
    public async Task A_beat_uploaded_on_one_node_is_ready_searchable_and_streamed_from_s3_on_the_other()
    {
        using var node1 = new HttpClient { BaseAddress = await cluster.Api(1) };
        using var node2 = new HttpClient { BaseAddress = await cluster.Api(2) };
        var account = await node1.SignUp();
        var token = (await node1.LogIn(account)).Token;
        var word = $"c{Guid.NewGuid():N}"[..12];
        var beat = await node1.UploadBeat(token, await Audio.Tone(220, 3, "wav"), new() { ["title"] = $"{word} cluster", ["genre"] = "house" });

        Assert.Equal("ready", (await node2.WaitUntilProcessed(beat.Id()))["status"]!.GetValue<string>());
        await node2.SearchUntil($"q={word}&genre=house", items => items.Count == 1);

        // The stream URL answers with a redirect to a presigned S3 URL; the client's Range goes with it.
        var url = await node2.StreamUrl(beat.Id());
        using var noRedirect = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var redirect = await noRedirect.GetAsync(url);
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.Contains("X-Amz-Signature", redirect.Headers.Location!.Query, StringComparison.Ordinal);
        var partial = await node1.GetWithRange(url, "bytes=0-9");
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal(10, (await partial.Content.ReadAsByteArrayAsync()).Length);
    }

    [Fact]
    public async Task A_cover_made_on_a_catalog_silo_is_served_from_s3_through_a_cacheable_redirect()
    {
        using var node1 = new HttpClient { BaseAddress = await cluster.Api(1) };
        using var node2 = new HttpClient { BaseAddress = await cluster.Api(2) };
        var token = (await node1.LogIn(await node1.SignUp())).Token;
        var beat = await node1.UploadBeat(token, await Audio.Tone(220, 2, "wav"));
        var cover = await (await node1.PutCover(token, beat.Id(), await Images.Picture(640, 480, "webp"), "image/webp"))
            .Body(HttpStatusCode.OK);

        // Any node serves it: a redirect to a presigned URL, which a browser may keep for half its life.
        var shown = await (await node2.GetAsync($"/api/beats/{beat.Id()}")).Body(HttpStatusCode.OK);
        var url = shown["cover_thumbnail_url"]!.GetValue<string>();
        // Each node names its own address; the path is the same.
        Assert.Equal(new Uri(cover["cover_thumbnail_url"]!.GetValue<string>()).AbsolutePath, new Uri(url).AbsolutePath);
        using var noRedirect = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var redirect = await noRedirect.GetAsync(url);
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.Contains("X-Amz-Signature", redirect.Headers.Location!.Query, StringComparison.Ordinal);
        Assert.Equal("public, max-age=1800", redirect.Headers.CacheControl?.ToString());
        var image = await (await node2.GetAsync(url)).Content.ReadAsByteArrayAsync();
        Assert.Equal((300, 300), await Images.Size(image));

        // The upload itself does not stay in the bucket.
        using var store = new S3BlobStore(Options.Create(S3BlobStoreTests.Settings()));
        var incoming = new List<string>();
        var before = DateTimeOffset.UtcNow.AddMinutes(1);
        await foreach (var key in store.ListWrittenBefore(BlobKeys.IncomingPrefix, before, default))
        {
            incoming.Add(key);
        }

        Assert.DoesNotContain(incoming, k => k.Contains("/cover-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_deleted_beat_that_sold_nothing_leaves_none_of_its_files_in_s3()
    {
        using var node1 = new HttpClient { BaseAddress = await cluster.Api(1) };
        var token = (await node1.LogIn(await node1.SignUp())).Token;
        var beat = await node1.UploadBeat(token, await Audio.Tone(220, 2, "wav"));
        Assert.Equal("ready", (await node1.WaitUntilProcessed(beat.Id()))["status"]!.GetValue<string>());
        using var store = new S3BlobStore(Options.Create(S3BlobStoreTests.Settings()));
        var id = beat.Id();
        string[] keys = [BlobKeys.Master(id, "wav"), BlobKeys.Preview(id), BlobKeys.UntaggedMp3(id), BlobKeys.Wav(id)];
        foreach (var key in keys)
        {
            Assert.NotNull(await store.Size(key, default));
        }

        await (await node1.Send(HttpMethod.Delete, $"/api/beats/{beat.Id()}/delete", token)).Body(HttpStatusCode.OK);

        // The catalog silo removes them from the bucket (a failure is retried by the beat's reminder).
        await Eventually.Holds(async () =>
        {
            foreach (var key in keys)
            {
                if (await store.Size(key, default) is not null)
                {
                    return false;
                }
            }

            return true;
        }, TimeSpan.FromSeconds(30), "the deleted beat's files are still in S3");
    }

    [Fact]
    public async Task A_catalog_silo_killed_mid_processing_leaves_no_beat_stuck_in_processing()
    {
        using var node1 = new HttpClient { BaseAddress = await cluster.Api(1) };
        var account = await node1.SignUp();
        var token = (await node1.LogIn(account)).Token;
        var beat = await node1.UploadBeat(token, await Audio.Tone(220, 2, "wav"));

        // ffprobe is held for 3 s on catalog silos (LocalCluster), so the kill lands while the beat is processing.
        await cluster.Kill("silo-catalog");
        await cluster.Start("silo-catalog");

        var processed = await node1.WaitUntilProcessed(beat.Id(), TimeSpan.FromSeconds(120));
        Assert.Equal("ready", processed["status"]!.GetValue<string>());
        Assert.InRange(processed["duration_seconds"]!.GetValue<double>(), 1.9, 2.1);
    }
}
