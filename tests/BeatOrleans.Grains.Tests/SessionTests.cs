using System.Collections.Concurrent;
using BeatOrleans.Contracts.Notifications;
using BeatOrleans.Contracts.Users;

namespace BeatOrleans.Grains.Tests;

[Collection(GrainClusterGroup.Name)]
public sealed class SessionTests(GrainCluster cluster)
{
    private ISessionGrain NewSession() => cluster.Grains.GetGrain<ISessionGrain>(Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Rotation_hands_out_a_new_secret_and_retires_the_old_one()
    {
        var session = NewSession();
        var first = await session.Open("user-1");

        var rotated = await session.Rotate(first);

        Assert.Equal(RefreshStatus.Rotated, rotated.Status);
        Assert.Equal("user-1", rotated.UserId);
        Assert.NotEqual(first, rotated.RefreshSecret);
        Assert.Equal(RefreshStatus.Rotated, (await session.Rotate(rotated.RefreshSecret!)).Status);
    }

    [Fact]
    public async Task Reusing_a_retired_secret_revokes_the_whole_session()
    {
        var session = NewSession();
        var first = await session.Open("user-2");
        var second = (await session.Rotate(first)).RefreshSecret!;

        Assert.Equal(RefreshStatus.ReuseDetected, (await session.Rotate(first)).Status);
        Assert.Null(await session.GetActiveUser());
        Assert.Equal(RefreshStatus.Invalid, (await session.Rotate(second)).Status);
    }

    [Fact]
    public async Task An_unknown_secret_is_refused_without_ending_the_session()
    {
        var session = NewSession();
        var secret = await session.Open("user-3");

        Assert.Equal(RefreshStatus.Invalid, (await session.Rotate("guessed")).Status);
        Assert.Equal("user-3", await session.GetActiveUser());
        Assert.Equal(RefreshStatus.Rotated, (await session.Rotate(secret)).Status);
    }

    [Fact]
    public async Task A_revoked_session_has_no_user_and_cannot_refresh()
    {
        var session = NewSession();
        var secret = await session.Open("user-4");

        await session.Revoke();

        Assert.Null(await session.GetActiveUser());
        Assert.Equal(RefreshStatus.Invalid, (await session.Rotate(secret)).Status);
    }

    [Fact]
    public async Task A_session_left_unrefreshed_past_its_lifetime_expires()
    {
        var session = NewSession();
        await session.Open("user-5");

        GrainCluster.Clock.Advance(TimeSpan.FromDays(15));

        Assert.Null(await session.GetActiveUser());
    }

    [Fact]
    public async Task Revoking_a_session_tells_the_nodes_connected_for_its_user_which_session_ended()
    {
        var userId = $"user-{Guid.NewGuid():N}";
        var node = new NodeRecorder();
        await cluster.Grains.GetGrain<IUserPushGrain>(userId).Subscribe(cluster.Client.CreateObjectReference<IPushObserver>(node));
        var (kept, revoked) = (NewSession(), NewSession());
        await kept.Open(userId);
        var first = await revoked.Open(userId);
        await revoked.Rotate(first);

        Assert.Equal(RefreshStatus.ReuseDetected, (await revoked.Rotate(first)).Status);

        await Eventually.Until(() => !node.Ended.IsEmpty, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(20));

        Assert.Equal([(userId, revoked.GetPrimaryKeyString())], node.Ended.ToArray());
    }

    private sealed class NodeRecorder : IPushObserver
    {
        public ConcurrentQueue<(string UserId, string SessionId)> Ended { get; } = new();

        public Task Deliver(Push push) => Task.CompletedTask;

        public Task DeliverAll(IReadOnlyList<Push> pushes) => Task.CompletedTask;

        public Task SessionEnded(string userId, string sessionId)
        {
            Ended.Enqueue((userId, sessionId));
            return Task.CompletedTask;
        }
    }
}
