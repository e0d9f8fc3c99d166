using System.Collections.Concurrent;
using BeatOrleans.Contracts.Notifications;
using BeatOrleans.Contracts.Users;

namespace BeatOrleans.Grains.Tests;

[Collection(GrainClusterGroup.Name)]
public sealed class SessionTests(GrainCluster cluster)
{
    private const string Password = "correct horse battery";

    private ISessionGrain NewSession() => cluster.Grains.GetGrain<ISessionGrain>(Guid.NewGuid().ToString("N"));

    /// <summary>A new account: a session refreshes only while its account is there.</summary>
    private async Task<string> NewUser()
    {
        var userId = Guid.NewGuid().ToString("N");
        var name = $"s{userId}"[..20];
        var created = await cluster.Grains.GetGrain<IUserGrain>(userId)
            .Register(new Signup(name, $"{name}@example.com", Password));
        Assert.Equal(SignupStatus.Created, created.Status);
        return userId;
    }

    /// <summary>
    /// A password change to "a new passphrase 42" from <paramref name="session"/>, as the API asks it.
    /// </summary>
    private Task<PasswordChangeResult> Change(string userId, ISessionGrain session, string current) =>
        cluster.Grains.GetGrain<IPasswordChangeGrain>(0)
            .ChangePassword(userId, session.GetPrimaryKeyString(), current, "a new passphrase 42");

    /// <summary>What a login does: checks the password, opens a session and lists it with the account.</summary>
    private async Task<(ISessionGrain Session, string Secret)> LogIn(string userId)
    {
        var user = cluster.Grains.GetGrain<IUserGrain>(userId);
        var version = await user.CheckPassword(Password);
        Assert.NotNull(version);
        var session = NewSession();
        var secret = await session.Open(userId);
        Assert.True(await user.SessionOpened(session.GetPrimaryKeyString(), version.Value));
        return (session, secret);
    }

    [Fact]
    public async Task Rotation_hands_out_a_new_secret_and_retires_the_old_one()
    {
        var userId = await NewUser();
        var session = NewSession();
        var first = await session.Open(userId);

        var rotated = await session.Rotate(first);

        Assert.Equal(RefreshStatus.Rotated, rotated.Status);
        Assert.Equal(userId, rotated.UserId);
        Assert.NotEqual(first, rotated.RefreshSecret);
        Assert.Equal(RefreshStatus.Rotated, (await session.Rotate(rotated.RefreshSecret!)).Status);
    }

    [Fact]
    public async Task Reusing_a_retired_secret_revokes_the_whole_session()
    {
        var userId = await NewUser();
        var session = NewSession();
        var first = await session.Open(userId);
        var second = (await session.Rotate(first)).RefreshSecret!;

        Assert.Equal(RefreshStatus.ReuseDetected, (await session.Rotate(first)).Status);
        Assert.Null(await session.GetActiveUser());
        Assert.Equal(RefreshStatus.Invalid, (await session.Rotate(second)).Status);
    }

    [Fact]
    public async Task An_unknown_secret_is_refused_without_ending_the_session()
    {
        var userId = await NewUser();
        var session = NewSession();
        var secret = await session.Open(userId);

        Assert.Equal(RefreshStatus.Invalid, (await session.Rotate("guessed")).Status);
        Assert.Equal(userId, await session.GetActiveUser());
        Assert.Equal(RefreshStatus.Rotated, (await session.Rotate(secret)).Status);
    }

    [Fact]
    public async Task A_revoked_session_has_no_user_and_cannot_refresh()
    {
        var userId = await NewUser();
        var session = NewSession();
        var secret = await session.Open(userId);

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
        var userId = await NewUser();
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

    [Fact]
    public async Task A_password_change_ends_every_other_session_at_once_and_keeps_the_callers()
    {
        var userId = await NewUser();
        var (mine, mySecret) = await LogIn(userId);
        var (phone, phoneSecret) = await LogIn(userId);
        var (laptop, _) = await LogIn(userId);
        var user = cluster.Grains.GetGrain<IUserGrain>(userId);

        var wrong = await Change(userId, mine, "not the password");
        Assert.Equal(PasswordChangeStatus.WrongPassword, wrong.Status);
        Assert.Equal(userId, await phone.GetActiveUser());

        var changed = await Change(userId, mine, Password);

        Assert.Equal(new PasswordChangeResult(PasswordChangeStatus.Changed, 2, null), changed);
        Assert.Null(await phone.GetActiveUser());
        Assert.Null(await laptop.GetActiveUser());
        Assert.Equal(RefreshStatus.Invalid, (await phone.Rotate(phoneSecret)).Status);
        Assert.Equal(userId, await mine.GetActiveUser());
        Assert.Equal(RefreshStatus.Rotated, (await mine.Rotate(mySecret)).Status);
        Assert.Null(await user.CheckPassword(Password));
        Assert.NotNull(await user.CheckPassword("a new passphrase 42"));
    }

    [Fact]
    public async Task A_new_password_hashed_against_a_version_that_moved_meanwhile_is_not_stored()
    {
        var userId = await NewUser();
        var (mine, _) = await LogIn(userId);
        var user = cluster.Grains.GetGrain<IUserGrain>(userId);
        var checkedBefore = await user.CheckPassword(Password);

        // Another device logs out everywhere between this change's check and its store.
        await user.EndSessions();

        var stale = await user.SetPassword(checkedBefore!.Value, "not a hash of anything", mine.GetPrimaryKeyString());
        Assert.Equal(PasswordChangeStatus.Stale, stale.Status);
        Assert.NotNull(await user.CheckPassword(Password));
    }

    [Fact]
    public async Task A_login_checked_against_the_old_password_opens_no_session_after_the_change()
    {
        var userId = await NewUser();
        var (mine, _) = await LogIn(userId);
        var user = cluster.Grains.GetGrain<IUserGrain>(userId);
        var checkedBefore = await user.CheckPassword(Password);

        await Change(userId, mine, Password);
        var late = NewSession();
        await late.Open(userId);

        Assert.False(await user.SessionOpened(late.GetPrimaryKeyString(), checkedBefore!.Value));
        Assert.Null(await late.GetActiveUser());
    }

    [Fact]
    public async Task A_session_the_account_never_listed_ends_at_its_next_refresh_after_a_password_change()
    {
        // A session opened before accounts listed their sessions.
        var userId = await NewUser();
        var unlisted = NewSession();
        var secret = await unlisted.Open(userId);
        var (mine, _) = await LogIn(userId);

        // Refreshed before the change, it is taken onto the list (and would be ended with the others).
        secret = (await unlisted.Rotate(secret)).RefreshSecret!;
        var older = NewSession();
        var olderSecret = await older.Open(userId);
        GrainCluster.Clock.Advance(TimeSpan.FromSeconds(1));
        var changed = await Change(userId, mine, Password);

        Assert.Equal(1, changed.SessionsEnded);
        Assert.Equal(RefreshStatus.Invalid, (await unlisted.Rotate(secret)).Status);
        Assert.Equal(RefreshStatus.Invalid, (await older.Rotate(olderSecret)).Status);
        Assert.Null(await older.GetActiveUser());
    }

    [Fact]
    public async Task The_callers_session_goes_on_after_its_password_change_even_if_the_account_never_listed_it()
    {
        var userId = await NewUser();
        var unlisted = NewSession();
        var secret = await unlisted.Open(userId);
        GrainCluster.Clock.Advance(TimeSpan.FromSeconds(1));

        var changed = await Change(userId, unlisted, Password);

        Assert.Equal(PasswordChangeStatus.Changed, changed.Status);
        Assert.Equal(RefreshStatus.Rotated, (await unlisted.Rotate(secret)).Status);
    }

    [Fact]
    public async Task A_login_checked_before_all_sessions_were_ended_opens_none()
    {
        var userId = await NewUser();
        var user = cluster.Grains.GetGrain<IUserGrain>(userId);
        var checkedBefore = await user.CheckPassword(Password);

        await user.EndSessions();
        var late = NewSession();
        await late.Open(userId);

        Assert.False(await user.SessionOpened(late.GetPrimaryKeyString(), checkedBefore!.Value));
        Assert.Null(await late.GetActiveUser());
    }

    [Fact]
    public async Task Ending_all_sessions_ends_the_callers_too_and_counts_the_open_ones()
    {
        var userId = await NewUser();
        var (first, _) = await LogIn(userId);
        var (second, _) = await LogIn(userId);
        var (loggedOut, _) = await LogIn(userId);
        await loggedOut.Revoke();

        Assert.Equal(2, await cluster.Grains.GetGrain<IUserGrain>(userId).EndSessions());

        Assert.Null(await first.GetActiveUser());
        Assert.Null(await second.GetActiveUser());
    }

    [Fact]
    public async Task An_account_keeps_at_most_fifty_sessions_ending_the_longest_unused()
    {
        var userId = await NewUser();
        var user = cluster.Grains.GetGrain<IUserGrain>(userId);
        var (oldest, _) = await LogIn(userId);
        GrainCluster.Clock.Advance(TimeSpan.FromDays(1));
        var version = (await user.CheckPassword(Password))!.Value;
        List<ISessionGrain> newer = [];
        for (var i = 0; i < 50; i++)
        {
            var session = NewSession();
            await session.Open(userId);
            Assert.True(await user.SessionOpened(session.GetPrimaryKeyString(), version));
            newer.Add(session);
        }

        Assert.Null(await oldest.GetActiveUser());
        Assert.All(await Task.WhenAll(newer.Select(s => s.GetActiveUser())), active => Assert.Equal(userId, active));
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
