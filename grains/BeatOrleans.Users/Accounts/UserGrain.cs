using BeatOrleans.Contracts;
using BeatOrleans.Contracts.Events;
using BeatOrleans.Contracts.Users;
using BeatOrleans.Outbox;
using Microsoft.Extensions.Logging;

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
    ILogger<UserGrain> logger) : Grain, IUserGrain, IOutboxOwner
{
    private EventOutbox events = null!;

    private string UserId => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        events = new EventOutbox(this, () => account.State.Events, () => account.WriteStateAsync());
        return Task.CompletedTask;
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

    public async Task<bool> VerifyPassword(string password)
    {
        if (!account.RecordExists)
        {
            await passwords.VerifyDecoy(password);
            return false;
        }

        return await passwords.Verify(account.State.PasswordHash, password);
    }

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
