using BeatOrleans.Contracts.Events;
using BeatOrleans.Contracts.Users;
using BeatOrleans.Outbox;

namespace BeatOrleans.Grains.Tests;

[Collection(GrainClusterGroup.Name)]
public sealed class OutboxTests(GrainCluster cluster)
{
    private IOutboxIndexGrain ShardOf(GrainId owner) => cluster.Grains.GetGrain<IOutboxIndexGrain>(owner.GetUniformHashCode() % EventOutbox.IndexShards);

    [Fact]
    public async Task A_producer_is_in_the_outbox_index_from_its_first_event_until_a_sweep_finds_its_outbox_empty()
    {
        var user = cluster.Grains.GetGrain<IUserGrain>(Guid.NewGuid().ToString("N"));
        var name = $"u{Guid.NewGuid():N}"[..20];

        await user.Register(new Signup(name, $"{name}@example.com", "correct horse battery"));

        Assert.Contains(user.GetGrainId(), await ShardOf(user.GetGrainId()).Claim(TimeSpan.Zero));
        await user.Cast<IOutboxOwner>().FlushOutbox();
        Assert.DoesNotContain(user.GetGrainId(), await ShardOf(user.GetGrainId()).Claim(TimeSpan.Zero));
    }

    [Fact]
    public async Task A_member_woken_by_the_sweep_with_an_empty_stored_outbox_leaves_the_index()
    {
        // As after a deactivation that stored the outbox empty: the member's new activation never enrolled itself.
        var owner = cluster.Grains.GetGrain<IUserGrain>(Guid.NewGuid().ToString("N"));
        await ShardOf(owner.GetGrainId()).Enroll(owner.GetGrainId());

        await owner.Cast<IOutboxOwner>().FlushOutbox();

        Assert.DoesNotContain(owner.GetGrainId(), await ShardOf(owner.GetGrainId()).Claim(TimeSpan.Zero));
    }
}
