using BeatOrleans.Contracts.Chat;
using BeatOrleans.Contracts.Events;
using BeatOrleans.Contracts.Users;
using BeatOrleans.Outbox;
using Orleans.Core.Internal;

namespace BeatOrleans.Grains.Tests;

[Collection(GrainClusterGroup.Name)]
public sealed class OutboxTests(GrainCluster cluster)
{
    private IOutboxIndexGrain ShardOf(GrainId owner) => cluster.Grains.GetGrain<IOutboxIndexGrain>(owner.GetUniformHashCode() % EventOutbox.IndexShards);

    [Fact]
    public async Task A_sweep_while_the_broker_does_not_confirm_leaves_the_grain_free_for_its_callers()
    {
        var (a, b) = (Guid.NewGuid().ToString("N"), Guid.NewGuid().ToString("N"));
        var chatId = ChatIds.For(a, b);
        var chat = cluster.Grains.GetGrain<IConversationGrain>(chatId);
        using (StorageFaults.SlowRelay(chatId, TimeSpan.FromSeconds(8)))
        {
            // The message's event is handed to the relay, which does not confirm for 8 s.
            await chat.Send(new Outgoing(a, "a", b, "hi"));

            // The sweeper's call returns at once rather than wait for the confirm, holding every caller behind it.
            var sweep = chat.AsReference<IOutboxOwner>().FlushOutbox();
            Assert.Same(sweep, await Task.WhenAny(sweep, Task.Delay(TimeSpan.FromSeconds(4))));
            await sweep;
            var reply = chat.Send(new Outgoing(b, "b", a, "still here"));
            Assert.Same(reply, await Task.WhenAny(reply, Task.Delay(TimeSpan.FromSeconds(4))));
            Assert.Equal(1, (await reply).Sequence);
        }
    }

    [Fact]
    public async Task A_change_is_made_and_its_event_published_while_the_outbox_index_cannot_be_reached()
    {
        var user = cluster.Grains.GetGrain<IUserGrain>(Guid.NewGuid().ToString("N"));
        var name = $"u{Guid.NewGuid():N}"[..20];
        using (StorageFaults.SlowRelay(user.GetPrimaryKeyString(), TimeSpan.Zero))
        using (StorageFaults.RefuseEnrolls())
        {
            // The index shard's silo is gone: the signup is made all the same, and its event goes out.
            await user.Register(new Signup(name, $"{name}@example.com", "correct horse battery"));
            for (var waited = 0; !StorageFaults.Relayed.Any(e => e.AggregateId == user.GetPrimaryKeyString()); waited++)
            {
                Assert.True(waited < 100, "the signup's event was not published");
                await Task.Delay(100);
            }
        }

        Assert.DoesNotContain(user.GetGrainId(), await ShardOf(user.GetGrainId()).Claim(TimeSpan.Zero));
    }

    [Fact]
    public async Task A_producer_is_in_the_outbox_index_from_its_first_event_until_a_sweep_finds_it_empty_and_quiet()
    {
        var user = cluster.Grains.GetGrain<IUserGrain>(Guid.NewGuid().ToString("N"));
        var name = $"u{Guid.NewGuid():N}"[..20];

        await user.Register(new Signup(name, $"{name}@example.com", "correct horse battery"));

        Assert.Contains(user.GetGrainId(), await ShardOf(user.GetGrainId()).Claim(TimeSpan.Zero));
        // Published, but it recorded an event within the sweep period: it stays, rather than leave and join again.
        await user.Cast<IOutboxOwner>().FlushOutbox();
        Assert.Contains(user.GetGrainId(), await ShardOf(user.GetGrainId()).Claim(TimeSpan.Zero));
        GrainCluster.Clock.Advance(new OutboxOptions().SweepPeriod);
        await user.Cast<IOutboxOwner>().FlushOutbox();
        Assert.DoesNotContain(user.GetGrainId(), await ShardOf(user.GetGrainId()).Claim(TimeSpan.Zero));
    }

    [Fact]
    public async Task A_burst_of_enrolments_is_stored_by_a_few_writes_of_the_shard_and_departures_with_the_next_claim()
    {
        // A shard of its own (the sweepers claim 0 to IndexShards - 1), so only this test writes it.
        var shardKey = 1_000_000 + Random.Shared.Next(1_000_000);
        var shard = cluster.Grains.GetGrain<IOutboxIndexGrain>(shardKey);
        await shard.Claim(TimeSpan.Zero);
        var owners = Enumerable.Range(0, 200)
            .Select(_ => cluster.Grains.GetGrain<IUserGrain>(Guid.NewGuid().ToString("N")).GetGrainId()).ToList();

        // Each write takes 20 ms, as a remote store's would: enrolments that arrive meanwhile wait for the next one.
        using (var writes = StorageFaults.CountWrites($"{shardKey:X}", TimeSpan.FromMilliseconds(20)))
        {
            await Task.WhenAll(owners.Select(shard.Enroll));
            Assert.InRange(writes.Writes, 1, 20);
            var enrolled = writes.Writes;
            await Task.WhenAll(owners.Take(150).Select(shard.Drop));
            Assert.Equal(enrolled, writes.Writes);
            await shard.Claim(TimeSpan.Zero);
            Assert.Equal(enrolled + 1, writes.Writes);
        }

        await shard.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        Assert.Equal(owners.Skip(150).ToHashSet(), (await shard.Claim(TimeSpan.Zero)).ToHashSet());
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
