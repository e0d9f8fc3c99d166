using BeatOrleans.Contracts.Users;
using BeatOrleans.Users.Accounts;
using Orleans.Concurrency;

namespace BeatOrleans.Users.Login;

/// <summary>
/// Checks credentials. Reentrant: it keeps no state between calls, and a login spends most of its time waiting for a
/// hashing slot. Without it a silo ran only as many logins at once as it had stateless workers (one per core), and a
/// burst queued in front of those workers, unbounded, past its callers' timeout, instead of in the hashing queue,
/// whose wait is bounded (<see cref="PasswordHashingOptions.QueueTimeout"/>).
/// </summary>
[StatelessWorker, Reentrant]
internal sealed class LoginGrain(PasswordHashing passwords) : Grain, ILoginGrain
{
    public async Task<LoginOutcome> Login(string email, string password)
    {
        var outcome = await Attempt(email, password);
        UsersMetrics.LoggedIn(outcome.Status);
        return outcome;
    }

    private async Task<LoginOutcome> Attempt(string email, string password)
    {
        var key = IdentityKey.ForEmail(email);
        var throttle = GrainFactory.GetGrain<ILoginThrottleGrain>(key.Normalized);
        if (await throttle.GetRetryAfter() is { } wait)
        {
            return new LoginOutcome(LoginStatus.Throttled, null, null, null, null, wait);
        }

        var userId = await GrainFactory.GetGrain<IIdentityIndexGrain>(key.GrainKey).GetOwner();
        var profile = userId is null ? null : await GrainFactory.GetGrain<IUserGrain>(userId).GetProfile();
        var verified = profile is null
            ? await Decoy(password)
            : await GrainFactory.GetGrain<IUserGrain>(profile.UserId).VerifyPassword(password);
        if (!verified || profile is null)
        {
            await throttle.RecordFailure();
            return new LoginOutcome(LoginStatus.InvalidCredentials, null, null, null, null, null);
        }

        await throttle.Reset();
        var sessionId = Guid.NewGuid().ToString("N");
        var secret = await GrainFactory.GetGrain<ISessionGrain>(sessionId).Open(profile.UserId);
        return new LoginOutcome(LoginStatus.Succeeded, profile.UserId, profile.Username, sessionId, secret, null);
    }

    private async Task<bool> Decoy(string password)
    {
        await passwords.VerifyDecoy(password);
        return false;
    }
}
