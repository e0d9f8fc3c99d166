using BeatOrleans.Contracts.Users;
using BeatOrleans.Users.Accounts;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace BeatOrleans.Users.Login;

/// <summary>
/// Checks credentials. Reentrant: it keeps no state between calls, and a login spends most of its time waiting for a
/// hashing slot. Without it a silo ran only as many logins at once as it had stateless workers (one per core), and a
/// burst queued in front of those workers, unbounded, past its callers' timeout, instead of in the hashing queue,
/// whose wait is bounded (<see cref="PasswordHashingOptions.QueueTimeout"/>).
/// </summary>
/// <remarks>
/// Failures are counted twice: per account and client, where <see cref="LoginThrottleOptions.MaxFailures"/> stops one
/// guesser, and per account, where <see cref="LoginThrottleOptions.MaxFailuresPerAccount"/> stops guessing spread over
/// many addresses. Counting per account alone let anyone who knew an email keep its owner out with five wrong passwords
/// every quarter of an hour.
/// </remarks>
[StatelessWorker, Reentrant]
internal sealed class LoginGrain(PasswordHashing passwords, IOptions<LoginThrottleOptions> throttling)
    : Grain, ILoginGrain
{
    public Task<LoginOutcome> Login(string email, string password) => Login(email, password, "");

    public async Task<LoginOutcome> Login(string email, string password, string client)
    {
        var outcome = await Attempt(email, password, client);
        UsersMetrics.LoggedIn(outcome.Status);
        return outcome;
    }

    private async Task<LoginOutcome> Attempt(string email, string password, string client)
    {
        var key = IdentityKey.ForEmail(email);
        var account = GrainFactory.GetGrain<ILoginThrottleGrain>(key.Normalized);
        var fromClient = GrainFactory.GetGrain<ILoginThrottleGrain>($"{key.Normalized}|{client}");
        var limits = throttling.Value;
        // Each attempt counts as a failure before its password is checked, and is taken back if it was not one.
        var attempts = new[]
        {
            fromClient.TryAttempt(limits.MaxFailures), account.TryAttempt(limits.MaxFailuresPerAccount),
        };
        TimeSpan?[] waits;
        try
        {
            waits = await Task.WhenAll(attempts);
        }
        catch (Exception)
        {
            // One throttle was unreachable: the attempt the other counted is taken back, as no password is checked.
            await Task.WhenAll(
                Counted(attempts[0]) ? fromClient.Forgive() : Task.CompletedTask,
                Counted(attempts[1]) ? account.Forgive() : Task.CompletedTask);
            throw;
        }

        if (waits.Max() is { } wait)
        {
            await Task.WhenAll(waits[0] is null ? fromClient.Forgive() : Task.CompletedTask,
                waits[1] is null ? account.Forgive() : Task.CompletedTask);
            return new LoginOutcome(LoginStatus.Throttled, null, null, null, null, wait);
        }

        UserProfile? profile;
        int? passwordVersion;
        try
        {
            var userId = await GrainFactory.GetGrain<IIdentityIndexGrain>(key.GrainKey).GetOwner();
            profile = userId is null ? null : await GrainFactory.GetGrain<IUserGrain>(userId).GetProfile();
            passwordVersion = profile is null
                ? await Decoy(password)
                : await GrainFactory.GetGrain<IUserGrain>(profile.UserId).CheckPassword(password);
        }
        catch (Exception)
        {
            // A full hashing queue, a lost silo: no password was checked, so no failure counts; the caller sees why.
            await Task.WhenAll(fromClient.Forgive(), account.Forgive());
            throw;
        }

        if (passwordVersion is not { } version || profile is null)
        {
            return new LoginOutcome(LoginStatus.InvalidCredentials, null, null, null, null, null);
        }

        // The client's own count only: failures from elsewhere may be someone else's guessing. The account's keeps
        // them, less this attempt.
        await Task.WhenAll(fromClient.Reset(), account.Forgive());
        var sessionId = Guid.NewGuid().ToString("N");
        var secret = await GrainFactory.GetGrain<ISessionGrain>(sessionId).Open(profile.UserId);
        // The account lists its sessions, to end them on a password change; one opened with a password changed since
        // it was checked is ended at once.
        if (!await GrainFactory.GetGrain<IUserGrain>(profile.UserId).SessionOpened(sessionId, version))
        {
            return new LoginOutcome(LoginStatus.InvalidCredentials, null, null, null, null, null);
        }

        return new LoginOutcome(LoginStatus.Succeeded, profile.UserId, profile.Username, sessionId, secret, null);
    }

    /// <summary>Whether a throttle answered and counted the attempt (it allowed it).</summary>
    private static bool Counted(Task<TimeSpan?> attempt) => attempt.IsCompletedSuccessfully && attempt.Result is null;

    private async Task<int?> Decoy(string password)
    {
        await passwords.VerifyDecoy(password);
        return null;
    }
}
