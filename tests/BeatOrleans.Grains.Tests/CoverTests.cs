using BeatOrleans.Contracts.Catalog;

namespace BeatOrleans.Grains.Tests;

/// <summary>Who may give a beat its cover, checked by the worker before any image work and again by the beat.</summary>
[Collection(GrainClusterGroup.Name)]
public sealed class CoverTests(GrainCluster cluster)
{
    private static readonly LicenseTier[] Tiers = [new(LicenseTypes.Mp3Lease, 29.99m, "USD")];

    private static string NewId() => Guid.NewGuid().ToString("N");

    private static StoredFile File(string name) => new($"beats/{name}", "wav", 1_000);

    [Fact]
    public async Task Only_the_producer_sets_a_beats_cover_and_the_worker_refuses_anyone_else_before_reading_the_image()
    {
        var (producer, stranger, beatId) = (NewId(), NewId(), NewId());
        var beat = cluster.Grains.GetGrain<IBeatGrain>(beatId);
        await beat.Create(
            new BeatDraft(producer, "Artwork", "Producer", null, null, null, [], Tiers, File("master"), null));
        var (first, second) = (NewId(), NewId());

        Assert.Equal(CoverOutcome.NotProducer, await beat.SetCover(stranger, first));
        Assert.Null((await beat.GetBeat())!.Cover);
        Assert.Equal(CoverOutcome.Set, await beat.SetCover(producer, first));
        Assert.Equal(CoverOutcome.Set, await beat.SetCover(producer, first));
        Assert.Equal(first, (await beat.GetBeat())!.Cover);
        Assert.Equal(CoverOutcome.NotProducer, await beat.SetCover(stranger, null));
        Assert.Equal(first, (await beat.GetBeat())!.Cover);

        // The upload names no stored file: a worker that went on to read it would throw instead of answering.
        var worker = cluster.Grains.GetGrain<ICoverArtGrain>(0);
        var upload = new StoredFile($"incoming/{stranger}/cover-{NewId()}", "png", 1_000);
        Assert.Equal(new CoverResult(CoverOutcome.NotProducer, null), await worker.Apply(beatId, stranger, upload));
        Assert.Equal(new CoverResult(CoverOutcome.NotFound, null), await worker.Apply(NewId(), producer, upload));
        Assert.Equal(first, (await beat.GetBeat())!.Cover);

        Assert.Equal(CoverOutcome.Set, await beat.SetCover(producer, second));
        Assert.Equal(DeleteOutcome.Deleted, await beat.Delete(producer));
        Assert.Equal(CoverOutcome.NotFound, await beat.SetCover(producer, null));
    }
}
