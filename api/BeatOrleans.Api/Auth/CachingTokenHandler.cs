using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace BeatOrleans.Api.Auth;

/// <summary>
/// The bearer handler's token validation, remembered per token until the token expires. A client sends the same
/// access token on every request, and validating it afresh (parse, HMAC, claims) was about a fifth of the CPU of a
/// profile read (docs/BENCHMARKS.md). Only tokens that validated are kept, keyed by the whole token, so a token that
/// differs in any character is validated in full; the lifetime policy and the session check
/// (<see cref="AuthExtensions"/>) still run on every request. The validation parameters (issuer, audience, signing
/// keys) are fixed for the life of the process, as the bearer options are, so an answer does not go stale by them.
/// Each request gets its own copy of the claims.
/// </summary>
public sealed class CachingTokenHandler(TimeProvider clock) : JsonWebTokenHandler
{
    /// <summary>At most this many tokens are remembered (the token and its claims, ~2 KB each).</summary>
    public const int MaxEntries = 50_000;

    private readonly ConcurrentDictionary<string, Validated> valid = new(StringComparer.Ordinal);
    private long lastSweep;

    public override async Task<TokenValidationResult> ValidateTokenAsync(
        string token, TokenValidationParameters validationParameters)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (valid.TryGetValue(token, out var known))
        {
            if (now < known.Token.ValidTo)
            {
                return known.Result();
            }

            valid.TryRemove(KeyValuePair.Create(token, known));
        }

        var result = await base.ValidateTokenAsync(token, validationParameters);
        if (!result.IsValid || now >= result.SecurityToken.ValidTo)
        {
            return result;
        }

        if (valid.Count >= MaxEntries)
        {
            Sweep(now);
        }

        var validated = new Validated(result.SecurityToken, result.ClaimsIdentity, result.Issuer, result.TokenType);
        if (valid.Count < MaxEntries)
        {
            valid[token] = validated;
        }

        return validated.Result();
    }

    /// <summary>
    /// The claims and token of a token this handler validated and that has not expired, without validating it again:
    /// the bearer events use it to skip the handler's per-request setup (<see cref="AuthExtensions"/>).
    /// </summary>
    public bool TryGetValidated(string token, out ClaimsIdentity identity, out SecurityToken securityToken)
    {
        if (valid.TryGetValue(token, out var known) && clock.GetUtcNow().UtcDateTime < known.Token.ValidTo)
        {
            identity = known.Identity.Clone();
            securityToken = known.Token;
            return true;
        }

        identity = null!;
        securityToken = null!;
        return false;
    }

    /// <summary>Drops expired tokens, at most once a second: a cache full of live tokens is not walked on every
    /// request.</summary>
    private void Sweep(DateTime now)
    {
        var last = Interlocked.Read(ref lastSweep);
        if (now.Ticks - last < TimeSpan.TicksPerSecond
            || Interlocked.CompareExchange(ref lastSweep, now.Ticks, last) != last)
        {
            return;
        }

        foreach (var (token, validated) in valid)
        {
            if (now >= validated.Token.ValidTo)
            {
                valid.TryRemove(KeyValuePair.Create(token, validated));
            }
        }
    }

    /// <summary>What a validation established, without the parameters it was made with.</summary>
    private sealed record Validated(SecurityToken Token, ClaimsIdentity Identity, string? Issuer, string? TokenType)
    {
        public TokenValidationResult Result() => new()
        {
            IsValid = true,
            SecurityToken = Token,
            ClaimsIdentity = Identity.Clone(),
            Issuer = Issuer,
            TokenType = TokenType,
        };
    }
}
