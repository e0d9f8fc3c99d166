using BeatOrleans.Contracts.Catalog;
using Orleans.Core.Internal;

namespace BeatOrleans.Grains.Tests;

[Collection(GrainClusterGroup.Name)]
public sealed class BeatPlayTests(GrainCluster cluster)
{
    private static readonly LicenseTier[] Tiers = [new(LicenseTypes.Mp3Lease, 29.99m, "USD")];

    private static string NewId() => Guid.NewGuid().ToString("N");

    [Fact]
    public async Task A_burst_of_plays_is_stored_once_not_once_per_play_and_survives_deactivation()
    {
        var (producer, beatId) = (NewId(), NewId());
        static StoredFile File(string name) => new($"beats/{name}", name == "wav" ? "wav" : "mp3", 1_000);
        var beat = cluster.Grains.GetGrain<IBeatGrain>(beatId);
        await beat.Create(new BeatDraft(producer, "Viral", "Producer", "trap", 140, "Am", [], Tiers, File("master"), null));
        await beat.CompleteProcessing(new BeatMedia(120, 44_100, 2, File("preview"), File("mp3"), File("wav"), [0.5f]));
        using var writes = StorageFaults.CountWrites(beatId);
        for (var i = 0; i < 50; i++)
        {
            await beat.RecordPlay(NewId(), $"listener-{i}", $"address-{i}");
        }

        Assert.Equal(50, (await beat.GetBeat())!.Plays);
        // The new beat's own acknowledgements (listing, producer) may still write meanwhile; the plays add none.
        Assert.InRange(writes.Writes, 0, 3);
        await beat.AsReference<IGrainManagementExtension>().DeactivateOnIdle();

        // Stored at deactivation: the next activation reads them from storage.
        Assert.Equal(50, (await beat.GetBeat())!.Plays);
    }
}
