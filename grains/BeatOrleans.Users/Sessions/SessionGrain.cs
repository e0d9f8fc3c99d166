using System.Security.Cryptography;
using System.Text;
using BeatOrleans.Contracts;
using BeatOrleans.Contracts.Users;
using Microsoft.Extensions.Options;

namespace BeatOrleans.Users.Sessions;

public sealed class SessionGrain(
    [PersistentState("session", StorageNames.Realtime)] IPersistentState<SessionState> session,
    IOptions<SessionOptions> options,
    TimeProvider clock) : Grain, ISessionGrain
{
    /// <summary>Enough history to catch a replayed token long after it was rotated, without unbounded growth.</summary>
    private const int RetiredSecretsKept = 64;

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
        await session.WriteStateAsync();
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
            var secret = NewSecret();
            state.RetiredSecretHashes.Add(state.CurrentSecretHash);
            if (state.RetiredSecretHashes.Count > RetiredSecretsKept)
            {
                state.RetiredSecretHashes.RemoveAt(0);
            }

            state.CurrentSecretHash = Hash(secret);
            state.ExpiresAt = clock.GetUtcNow() + options.Value.RefreshTokenLifetime;
            await session.WriteStateAsync();
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
            session.State.Revoked = true;
            await session.WriteStateAsync();
        }
    }

    public Task<string?> GetActiveUser() => Task.FromResult(IsActive() ? session.State.UserId : null);

    private bool IsActive() => session.RecordExists && !session.State.Revoked && clock.GetUtcNow() < session.State.ExpiresAt;

    private static string NewSecret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))
        .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));
}
