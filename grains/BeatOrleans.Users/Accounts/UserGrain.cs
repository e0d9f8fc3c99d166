using BeatOrleans.Contracts;
using BeatOrleans.Contracts.Events;
using BeatOrleans.Contracts.Users;
using BeatOrleans.Outbox;
using BeatOrleans.Users.Sessions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BeatOrleans.Users.Accounts;

/// <remarks>
/// Random placement: there are many small user grains, so a fair coin per activation spreads them evenly over the
/// users silos. Orleans' default (resource-optimized, preferring the silo that received the call) herded a burst of
/// new activations onto the silo whose statistics looked best a moment ago, 69% of them once API nodes sent users
/// calls only to users silos (PlacementTests).
/// </remarks>
[Orleans.Placement.RandomPlacement]
internal sealed partial class UserGrain(
    [PersistentState("user", StorageNames.Documents)] IPersistentState<UserState> account,
    PasswordHashing passwords,
    TimeProvider clock,
    IOptions<SessionOptions> sessionOptions,
    ILogger<UserGrain> logger) : Grain, IUserGrain, IOutboxOwner, IRemindable
{
    /// <summary>Sessions an account keeps at once; a login past it ends the longest unused one.</summary>
    public const int MaxSessions = 50;

    private const string EndSessionsReminder = "end-sessions";

    private EventOutbox events = null!;

    /// <summary>
    /// Registering a reminder writes the reminder table: once per activation while sessions wait is enough.
    /// </summary>
    private bool endReminderRegistered;

    private string UserId => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        events = new EventOutbox(this, () => account.State.Events, () => account.WriteStateAsync());
        // Sessions left to end whose reminder may have been lost (a restart of an embedded node keeps none).
        if (account.RecordExists && account.State.SessionsToEnd.Count > 0)
        {
            await EnsureEndReminder();
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => events.Persisted();

    public Task FlushOutbox() => events.Sweep();

    public async Task<SignupResult> Register(Signup signup)
    {
        if (account.RecordExists)
        {
            return new SignupResult(SignupStatus.AlreadyRegistered, null);
        }

        var username = IdentityKey.ForUsername(signup.Username);
        var email = IdentityKey.ForEmail(signup.Email);
        if (!await Index(username).Claim(UserId))
        {
            return new SignupResult(SignupStatus.UsernameTaken, null);
        }

        if (!await Index(email).Claim(UserId))
        {
            await Index(username).Release(UserId);
            return new SignupResult(SignupStatus.EmailTaken, null);
        }

        // The claims before the hash, so a signup for a taken name is answered at once, without a hash. The hash may
        // wait for a slot and be refused as busy; a refused signup then frees its names, leaving nothing behind.
        string passwordHash;
        try
        {
            passwordHash = await passwords.Hash(signup.Password);
        }
        catch (PasswordChecksBusyException)
        {
            await Task.WhenAll(Index(username).Release(UserId), Index(email).Release(UserId));
            throw;
        }

        account.State = new UserState
        {
            Username = signup.Username.Trim(),
            Email = signup.Email.Trim(),
            PasswordHash = passwordHash,
            CreatedAt = clock.GetUtcNow(),
        };
        var created = account.State;
        await events.Record(IntegrationEvents.Create(
            $"{UserId}.registered", EventTypes.UserRegistered, UserId, created.CreatedAt, new UserRegistered(UserId, created.Username, created.CreatedAt)));
        await account.WriteStateAsync();
        // Stored: its event goes out whatever becomes of the confirmations below.
        events.PublishInBackground();
        await Task.WhenAll(Index(username).Confirm(UserId), Index(email).Confirm(UserId));
        UsersMetrics.SignedUp();
        return new SignupResult(SignupStatus.Created, ToProfile());
    }

    public Task<UserProfile?> GetProfile() => Task.FromResult(account.RecordExists ? ToProfile() : null);

    /// <summary>Version 0's check, which login grains of the previous release call during a rolling upgrade.</summary>
    public async Task<bool> VerifyPassword(string password) => await CheckPassword(password) is not null;

    public async Task<ProfileUpdateResult> UpdateProfile(ProfileChanges changes)
    {
        if (!account.RecordExists)
        {
            return new ProfileUpdateResult(ProfileUpdateStatus.NotFound, null);
        }

        var current = account.State;
        var oldUsername = IdentityKey.ForUsername(current.Username);
        var oldEmail = IdentityKey.ForEmail(current.Email);
        var newUsername = changes.Username is null ? oldUsername : IdentityKey.ForUsername(changes.Username);
        var newEmail = changes.Email is null ? oldEmail : IdentityKey.ForEmail(changes.Email);

        // Claim the new names before the state names them and free the old ones after,
        // so at no moment is a name of this account free for someone else.
        var claimed = new List<IdentityKey>();
        if (newUsername != oldUsername)
        {
            if (!await Index(newUsername).Claim(UserId))
            {
                return new ProfileUpdateResult(ProfileUpdateStatus.UsernameTaken, null);
            }

            claimed.Add(newUsername);
        }

        if (newEmail != oldEmail)
        {
            if (!await Index(newEmail).Claim(UserId))
            {
                await Task.WhenAll(claimed.Select(key => Index(key).Release(UserId)));
                return new ProfileUpdateResult(ProfileUpdateStatus.EmailTaken, null);
            }

            claimed.Add(newEmail);
        }

        current.Username = changes.Username?.Trim() ?? current.Username;
        current.Email = changes.Email?.Trim() ?? current.Email;
        current.Bio = changes.Bio ?? current.Bio;
        await account.WriteStateAsync();

        await Task.WhenAll(claimed.Select(key => Index(key).Confirm(UserId)));
        var freed = new[] { (oldUsername, newUsername), (oldEmail, newEmail) }
            .Where(pair => pair.Item1 != pair.Item2)
            .Select(pair => Index(pair.Item1).Release(UserId));
        await Task.WhenAll(freed);
        await ForgetInNodeCaches();
        return new ProfileUpdateResult(ProfileUpdateStatus.Updated, ToProfile());
    }

    public async Task RecordPurchase(string beatId)
    {
        if (account.RecordExists && !account.State.PurchasedBeats.Contains(beatId))
        {
            account.State.PurchasedBeats.Add(beatId);
            await account.WriteStateAsync();
            await ForgetInNodeCaches();
        }
    }

    public async Task<int?> CheckPassword(string password)
    {
        if (!account.RecordExists)
        {
            await passwords.VerifyDecoy(password);
            return null;
        }

        // Read before the wait: a change that lands meanwhile makes this version stale, and the login fails.
        var version = account.State.PasswordVersion;
        return await passwords.Verify(account.State.PasswordHash, password) ? version : null;
    }

    public async Task<bool> SessionOpened(string sessionId, int passwordVersion)
    {
        if (!account.RecordExists || passwordVersion != account.State.PasswordVersion)
        {
            await GrainFactory.GetGrain<ISessionGrain>(sessionId).EndForAccount();
            return false;
        }

        await List(sessionId);
        return true;
    }

    /// <summary>
    /// Puts a session on the list, ending the longest unused ones past <see cref="MaxSessions"/>. Sessions left to end
    /// from before are the reminder's: a login does not wait on silos that could not be reached.
    /// </summary>
    private async Task List(string sessionId)
    {
        var sessions = account.State.Sessions;
        var now = clock.GetUtcNow();
        Prune(now);
        List<string> evicted = [];
        while (sessions.Count >= MaxSessions)
        {
            var oldest = sessions.MinBy(s => s.Value).Key;
            sessions.Remove(oldest);
            evicted.Add(oldest);
        }

        sessions[sessionId] = Today(now);
        await EndSessionsAndWrite(evicted, retryEarlier: false);
    }

    public async Task<bool> SessionRefreshed(string sessionId, DateTimeOffset openedAt)
    {
        if (!account.RecordExists)
        {
            return false;
        }

        var state = account.State;
        var today = Today(clock.GetUtcNow());
        if (state.SessionsToEnd.Contains(sessionId))
        {
            return false;
        }

        if (state.Sessions.TryGetValue(sessionId, out var seen))
        {
            // Written at most once a day per session: the list says which sessions are in use, not when exactly.
            if (seen < today)
            {
                state.Sessions[sessionId] = today;
                await account.WriteStateAsync();
            }

            return true;
        }

        // Listed sessions never come here, so a tie is a session of the moment of the change: ended.
        if (openedAt <= state.SessionsValidFrom)
        {
            return false;
        }

        // A session opened before the list was kept: from now on it is on it.
        await List(sessionId);
        return true;
    }

    public async Task<PasswordChangeResult> SetPassword(int passwordVersion, string passwordHash, string keepSessionId)
    {
        if (!account.RecordExists)
        {
            return new PasswordChangeResult(PasswordChangeStatus.NotFound, 0, null);
        }

        var state = account.State;
        if (passwordVersion != state.PasswordVersion)
        {
            return new PasswordChangeResult(PasswordChangeStatus.Stale, 0, null);
        }

        var now = clock.GetUtcNow();
        var others = state.Sessions.Keys.Where(id => id != keepSessionId).ToList();
        state.PasswordHash = passwordHash;
        state.PasswordVersion++;
        state.SessionsValidFrom = now;
        state.Sessions = new() { [keepSessionId] = Today(now) };
        var ended = await EndSessionsAndWrite(others);
        LogPasswordChanged(logger, UserId, ended);
        return new PasswordChangeResult(PasswordChangeStatus.Changed, ended, null);
    }

    public async Task<int> EndSessions()
    {
        if (!account.RecordExists)
        {
            return 0;
        }

        var state = account.State;
        var all = state.Sessions.Keys.ToList();
        // A login whose password was checked a moment ago opens no session now.
        state.PasswordVersion++;
        state.SessionsValidFrom = clock.GetUtcNow();
        state.Sessions = [];
        return await EndSessionsAndWrite(all);
    }

    public async Task SessionEnded(string sessionId)
    {
        if (account.RecordExists && account.State.Sessions.Remove(sessionId))
        {
            await account.WriteStateAsync();
        }
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != EndSessionsReminder)
        {
            return;
        }

        if (account.RecordExists && account.State.SessionsToEnd.Count > 0)
        {
            await EndSessionsAndWrite([]);
        }

        if (!account.RecordExists || account.State.SessionsToEnd.Count == 0)
        {
            await this.UnregisterReminder(await this.GetReminder(EndSessionsReminder)
                ?? throw new InvalidOperationException("The reminder fired but is not registered."));
            endReminderRegistered = false;
        }
    }

    /// <summary>
    /// Stores the state with <paramref name="sessions"/> among those to end, then ends them all. Stored first, so a
    /// session that cannot be reached now (its silo down) is ended by the reminder later; answers how many of those
    /// reached were open.
    /// </summary>
    private async Task<int> EndSessionsAndWrite(IReadOnlyCollection<string> sessions, bool retryEarlier = true)
    {
        var state = account.State;
        var earlier = state.SessionsToEnd.ToList();
        state.SessionsToEnd = [.. state.SessionsToEnd.Union(sessions, StringComparer.Ordinal)];
        if (state.SessionsToEnd.Count > 0)
        {
            // Before the write: stored ids with no reminder would wait for the account's next change.
            await EnsureEndReminder();
        }

        await account.WriteStateAsync();
        List<string> pending = retryEarlier
            ? [.. state.SessionsToEnd]
            : [.. sessions.Except(earlier, StringComparer.Ordinal)];
        if (pending.Count == 0)
        {
            return 0;
        }

        var results = await Task.WhenAll(pending.Select(async id =>
        {
            try
            {
                return (Id: id, Ended: true, WasOpen: await GrainFactory.GetGrain<ISessionGrain>(id).EndForAccount());
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                LogEndSessionFailed(logger, exception, UserId);
                return (Id: id, Ended: false, WasOpen: false);
            }
        }));
        var ended = results.Where(r => r.Ended).Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        state.SessionsToEnd.RemoveAll(ended.Contains);
        await account.WriteStateAsync();
        return results.Count(r => r.WasOpen);
    }

    private async Task EnsureEndReminder()
    {
        if (!endReminderRegistered)
        {
            await this.RegisterOrUpdateReminder(EndSessionsReminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
            endReminderRegistered = true;
        }
    }

    /// <summary>
    /// Drops from the list the sessions unused for longer than a refresh token lives: they have lapsed on their own.
    /// </summary>
    private void Prune(DateTimeOffset now)
    {
        var lapsed = now - sessionOptions.Value.RefreshTokenLifetime - TimeSpan.FromDays(1);
        foreach (var id in account.State.Sessions.Where(s => s.Value < lapsed).Select(s => s.Key).ToList())
        {
            account.State.Sessions.Remove(id);
        }
    }

    private static DateTimeOffset Today(DateTimeOffset now) => new(now.UtcDateTime.Date, TimeSpan.Zero);

    public Task<bool> Holds(IdentityKey key) => Task.FromResult(
        account.RecordExists
        && (key == IdentityKey.ForUsername(account.State.Username) || key == IdentityKey.ForEmail(account.State.Email)));

    /// <summary>
    /// API nodes may keep a profile for a few seconds; awaited, so the change is answered once every reachable node
    /// has forgotten the old profile (an unreachable one forgets when its entry lapses).
    /// </summary>
    private async Task ForgetInNodeCaches()
    {
        try
        {
            await GrainFactory.GetGrain<INodeCachesGrain>(0).ProfileChanged(UserId);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            LogSignalFailed(logger, exception);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "User {UserId} changed their password; {Ended} other sessions ended")]
    private static partial void LogPasswordChanged(ILogger logger, string userId, int ended);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "A session of user {UserId} could not be ended yet; the account's reminder tries again")]
    private static partial void LogEndSessionFailed(ILogger logger, Exception exception, string userId);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "A profile change could not be signalled to the API nodes; their copies lapse on their own")]
    private static partial void LogSignalFailed(ILogger logger, Exception exception);

    private IIdentityIndexGrain Index(IdentityKey key) => GrainFactory.GetGrain<IIdentityIndexGrain>(key.GrainKey);

    private UserProfile ToProfile()
    {
        var s = account.State;
        return new UserProfile(UserId, s.Username, s.Email, s.Bio, [.. s.PurchasedBeats], s.CreatedAt);
    }
}
