using System.Security.Cryptography;
using System.Text;
using BeatOrleans.Contracts;
using BeatOrleans.Contracts.Notifications;
using BeatOrleans.Contracts.Users;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BeatOrleans.Users.Sessions;

/// <remarks>Random placement, for the same reason as <see cref="Accounts.UserGrain"/>.</remarks>
[Orleans.Placement.RandomPlacement]
internal sealed partial class SessionGrain(
    [PersistentState("session", StorageNames.Realtime)] IPersistentState<SessionState> session,
    IOptions<SessionOptions> options,
    TimeProvider clock,
    ILogger<SessionGrain> logger) : Grain, ISessionGrain
{
    /// <summary>Enough history to catch a replayed token long after it was rotated, without unbounded growth.</summary>
    private const int RetiredSecretsKept = 64;

    /// <summary>The write in flight, which the next one waits for.</summary>
    private Task lastWrite = Task.CompletedTask;

    public async Task<string> Open(string userId)
    {
        if (session.RecordExists)
        {
            throw new InvalidOperationException("A session id is used once.");
        }

        var secret = NewSecret();
        var now = clock.GetUtcNow();
        session.State = new SessionState
        {
            UserId = userId,
            CurrentSecretHash = Hash(secret),
            OpenedAt = now,
            ExpiresAt = now + options.Value.RefreshTokenLifetime,
        };
        await Write();
        return secret;
    }

    public async Task<RefreshOutcome> Rotate(string refreshSecret)
    {
        if (!IsActive())
        {
            return new RefreshOutcome(RefreshStatus.Invalid, null, null);
        }

        var state = session.State;
        var presented = Hash(refreshSecret);
        if (CryptographicOperations.FixedTimeEquals(presented, state.CurrentSecretHash))
        {
            // The account may have ended its sessions (a password change) while this one was out of its list.
            // End interleaves with this wait (the account, ending its sessions, may call it meanwhile): a session
            // found revoked afterwards is not rotated.
            if (!await GrainFactory.GetGrain<IUserGrain>(state.UserId).SessionRefreshed(
                    this.GetPrimaryKeyString(), state.OpenedAt))
            {
                await EndForAccount();
                return new RefreshOutcome(RefreshStatus.Invalid, null, null);
            }

            if (!IsActive())
            {
                return new RefreshOutcome(RefreshStatus.Invalid, null, null);
            }

            var secret = NewSecret();
            state.RetiredSecretHashes.Add(state.CurrentSecretHash);
            if (state.RetiredSecretHashes.Count > RetiredSecretsKept)
            {
                state.RetiredSecretHashes.RemoveAt(0);
            }

            state.CurrentSecretHash = Hash(secret);
            state.ExpiresAt = clock.GetUtcNow() + options.Value.RefreshTokenLifetime;
            await Write();
            return new RefreshOutcome(RefreshStatus.Rotated, state.UserId, secret);
        }

        if (state.RetiredSecretHashes.Any(old => CryptographicOperations.FixedTimeEquals(presented, old)))
        {
            // Both the thief and the owner hold this family of tokens now: end it for both.
            await Revoke();
            return new RefreshOutcome(RefreshStatus.ReuseDetected, state.UserId, null);
        }

        return new RefreshOutcome(RefreshStatus.Invalid, null, null);
    }

    public async Task Revoke()
    {
        if (session.RecordExists && !session.State.Revoked)
        {
            await EndForAccount();
            // One-way: the account's list is tidied, a logout does not wait for it.
            await GrainFactory.GetGrain<IUserGrain>(session.State.UserId).SessionEnded(this.GetPrimaryKeyString());
        }
    }

    public async Task<bool> EndForAccount()
    {
        if (!session.RecordExists || session.State.Revoked)
        {
            return false;
        }

        // Marked before the first wait: a call interleaving with this one sees the session ended.
        var wasOpen = IsActive();
        session.State.Revoked = true;
        await Write();
        await ForgetInNodeCaches();
        await EndLiveConnections();
        return wasOpen;
    }

    public Task<string?> GetActiveUser() => Task.FromResult(IsActive() ? session.State.UserId : null);

    private bool IsActive() => session.RecordExists && !session.State.Revoked && clock.GetUtcNow() < session.State.ExpiresAt;

    /// <summary>
    /// API nodes may remember for a few seconds that a session is open; awaited, so the request that revoked the
    /// session is answered once every reachable node has forgotten it (an unreachable one forgets when its entry lapses).
    /// </summary>
    private async Task ForgetInNodeCaches()
    {
        try
        {
            await GrainFactory.GetGrain<INodeCachesGrain>(0).SessionRevoked(this.GetPrimaryKeyString());
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            LogSignalFailed(logger, exception);
        }
    }

    /// <summary>
    /// Every revocation (logout, token reuse, any later account change) passes here, so this is the one place that
    /// tells the API nodes. One-way: a logout does not wait for the notifications domain, and a lost signal is caught
    /// by the nodes' periodic session check.
    /// </summary>
    private async Task EndLiveConnections()
    {
        try
        {
            await GrainFactory.GetGrain<IUserPushGrain>(session.State.UserId).EndSession(this.GetPrimaryKeyString());
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            LogSignalFailed(logger, exception);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The end of a session could not be signalled to the API nodes")]
    private static partial void LogSignalFailed(ILogger logger, Exception exception);

    /// <summary>
    /// Stores the state once any write in flight is done. <see cref="EndForAccount"/> interleaves with a refresh, which
    /// may be writing: two writes at once would carry the same ETag, and the second would fail.
    /// </summary>
    private Task Write()
    {
        var previous = lastWrite;
        return lastWrite = After(previous);

        async Task After(Task earlier)
        {
            try
            {
                await earlier;
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                // That write's caller has its failure; this one stores the state as it is now.
            }

            await session.WriteStateAsync();
        }
    }

    private static string NewSecret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))
        .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));
}
