using System.Collections.Concurrent;
using BeatOrleans.Contracts.Notifications;
using BeatOrleans.Testing;

namespace BeatOrleans.Grains.Tests;

[Collection(GrainClusterGroup.Name)]
public sealed class PushTests(GrainCluster cluster)
{
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_burst_of_pushes_reaches_a_slow_node_in_order_and_in_a_few_calls()
    {
        var userId = $"user-{Guid.NewGuid():N}";
        var push = cluster.Grains.GetGrain<IUserPushGrain>(userId);
        var node = new Node(delay: TimeSpan.FromMilliseconds(100));
        await push.Subscribe(cluster.Client.CreateObjectReference<IPushObserver>(node));

        var sent = Enumerable.Range(0, 200).Select(i => Message(userId, i)).ToList();
        foreach (var one in sent.Take(100))
        {
            await push.Push(one);
        }

        await push.PushAll(sent.Skip(100).ToList());

        await Eventually.Holds(() => Task.FromResult(node.Received.Count == sent.Count), Soon,
            $"the node received {node.Received.Count} of {sent.Count} pushes");
        var received = node.Received.Select(p => p.Message!.MessageId).ToList();
        Assert.Equal(sent.Select(p => p.Message!.MessageId).Order(), received.Order());
        // Orleans does not order separate one-way calls, so only the pushes of one call have an order to keep.
        Assert.Equal(sent.Skip(100).Select(p => p.Message!.MessageId), received.Where(id => int.Parse(id[2..]) >= 100));
        // Awaiting each push's round trip took 200 calls of 100 ms; one call in flight per node takes a handful.
        Assert.InRange(node.Calls, 1, 10);
    }

    [Fact]
    public async Task A_node_that_fails_a_call_is_dropped_and_the_other_nodes_get_every_push()
    {
        var userId = $"user-{Guid.NewGuid():N}";
        var push = cluster.Grains.GetGrain<IUserPushGrain>(userId);
        var (healthy, broken) = (new Node(), new Node(fails: true));
        await push.Subscribe(cluster.Client.CreateObjectReference<IPushObserver>(healthy));
        await push.Subscribe(cluster.Client.CreateObjectReference<IPushObserver>(broken));

        await push.Push(Message(userId, 0));
        await Eventually.Holds(() => Task.FromResult(healthy.Received.Count == 1 && broken.Calls == 1), Soon,
            "the first push did not reach both nodes");
        await push.PushAll([Message(userId, 1), Message(userId, 2)]);
        await push.Push(Message(userId, 3));

        await Eventually.Holds(() => Task.FromResult(healthy.Received.Count == 4), Soon,
            $"the healthy node received {healthy.Received.Count} of 4 pushes");
        var received = healthy.Received.Select(p => p.Message!.MessageId).ToList();
        Assert.Equal(["m-0", "m-1", "m-2", "m-3"], received.Order());
        Assert.True(received.IndexOf("m-1") < received.IndexOf("m-2"), string.Join(", ", received));
        Assert.Equal(1, broken.Calls);
    }

    private static Push Message(string userId, int i) =>
        new(userId, new MessagePush("chat-1", $"m-{i}", "alice", $"message {i}", DateTimeOffset.UtcNow), null);

    /// <summary>An API node's observer that records what reaches it, optionally slow or failing every call.</summary>
    private sealed class Node(TimeSpan? delay = null, bool fails = false) : IPushObserver
    {
        private int calls;

        public ConcurrentQueue<Push> Received { get; } = new();

        public int Calls => Volatile.Read(ref calls);

        public Task Deliver(Push push) => DeliverAll([push]);

        public async Task DeliverAll(IReadOnlyList<Push> pushes)
        {
            Interlocked.Increment(ref calls);
            if (fails)
            {
                throw new InvalidOperationException("This node is gone.");
            }

            if (delay is { } pause)
            {
                await Task.Delay(pause);
            }

            foreach (var push in pushes)
            {
                Received.Enqueue(push);
            }
        }

        public Task SessionEnded(string userId, string sessionId) => Task.CompletedTask;
    }
}
