using BeatOrleans.Contracts.Users;
using BeatOrleans.Users.Login;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace BeatOrleans.Users.Accounts;

/// <summary>
/// A password change, in three steps, none of which holds the account's turn while it hashes: the current password
/// is checked (<see cref="IUserGrain.CheckPassword"/>, a read that profile reads interleave with), the new one hashed
/// here, and the account stores it if its password version has not moved meanwhile
/// (<see cref="IUserGrain.SetPassword"/>).
/// </summary>
/// <remarks>
/// Guesses of the current password (a stolen access token would try) are counted as logins' are: per session, where
/// the limit stops one guesser, and per account with a larger one. Counted per account alone, a thief's five wrong
/// guesses would keep the owner from changing the password.
/// </remarks>
[StatelessWorker, Reentrant]
internal sealed class PasswordChangeGrain(PasswordHashing passwords, IOptions<LoginThrottleOptions> throttling)
    : Grain, IPasswordChangeGrain
{
    public async Task<PasswordChangeResult> ChangePassword(
        string userId, string keepSessionId, string currentPassword, string newPassword)
    {
        var fromSession = GrainFactory.GetGrain<ILoginThrottleGrain>($"{userId}|password|{keepSessionId}");
        var fromAnywhere = GrainFactory.GetGrain<ILoginThrottleGrain>($"{userId}|password");
        var limits = throttling.Value;
        if (await fromSession.TryAttempt(limits.MaxFailures) is { } wait)
        {
            return new PasswordChangeResult(PasswordChangeStatus.Throttled, 0, wait);
        }

        if (await fromAnywhere.TryAttempt(limits.MaxFailuresPerAccount) is { } accountWait)
        {
            await fromSession.Forgive();
            return new PasswordChangeResult(PasswordChangeStatus.Throttled, 0, accountWait);
        }

        var user = GrainFactory.GetGrain<IUserGrain>(userId);
        int? version;
        string hash;
        try
        {
            version = await user.CheckPassword(currentPassword);
            hash = version is null ? "" : await passwords.Hash(newPassword);
        }
        catch (Exception)
        {
            // A full hashing queue, a lost silo: nothing was changed, so the attempt does not count.
            await Task.WhenAll(fromSession.Forgive(), fromAnywhere.Forgive());
            throw;
        }

        if (version is null)
        {
            // A wrong password, or an account that is gone (its decoy check took as long): it counts.
            return await user.GetProfile() is null
                ? new PasswordChangeResult(PasswordChangeStatus.NotFound, 0, null)
                : new PasswordChangeResult(PasswordChangeStatus.WrongPassword, 0, null);
        }

        // The session's own count goes; the account's keeps other sessions' failures, less this attempt.
        await Task.WhenAll(fromSession.Reset(), fromAnywhere.Forgive());
        return await user.SetPassword(version.Value, hash, keepSessionId);
    }
}
