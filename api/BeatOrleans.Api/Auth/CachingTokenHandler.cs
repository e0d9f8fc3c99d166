using System.Collections.Concurrent;
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
    /// <summary>At most this many tokens are remembered (a few hundred bytes and a claims list each).</summary>
    public const int MaxEntries = 100_000;

    private readonly ConcurrentDictionary<string, TokenValidationResult> valid = new(StringComparer.Ordinal);

    public override async Task<TokenValidationResult> ValidateTokenAsync(
        string token, TokenValidationParameters validationParameters)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (valid.TryGetValue(token, out var known))
        {
            if (now < known.SecurityToken.ValidTo)
            {
                return Copy(known);
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

        if (valid.Count < MaxEntries)
        {
            valid[token] = result;
        }

        return Copy(result);
    }

    private static TokenValidationResult Copy(TokenValidationResult known) => new()
    {
        IsValid = true,
        SecurityToken = known.SecurityToken,
        ClaimsIdentity = known.ClaimsIdentity.Clone(),
        Issuer = known.Issuer,
        TokenType = known.TokenType,
    };

    private void Sweep(DateTime now)
    {
        foreach (var (token, result) in valid)
        {
            if (now >= result.SecurityToken.ValidTo)
            {
                valid.TryRemove(KeyValuePair.Create(token, result));
            }
        }
    }
}
