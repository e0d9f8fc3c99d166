using Microsoft.IdentityModel.JsonWebTokens;

namespace BeatOrleans.Api.Auth;

/// <summary>
/// The rule the signature alone cannot enforce: a token lives no longer than this API issues tokens for. The standard
/// checks only compare exp and nbf with now, so a token signed for a year (a leaked key, a misconfigured node) would
/// otherwise be honoured for that year.
/// </summary>
internal static class AccessTokenLifetime
{
    /// <summary>Whether the token says when it was issued, was not issued in the future, and expires within the configured lifetime of that.</summary>
    public static bool IsAcceptable(JsonWebToken token, JwtOptions options, DateTimeOffset now)
    {
        // TokenIssuer always sets iat (IssuedAt is MinValue without one): a token without it did not come from this API.
        var issued = token.IssuedAt;
        if (issued == DateTime.MinValue)
        {
            return false;
        }

        // Bounding iat by now bounds exp by now + lifetime; nbf (TokenIssuer sets it to iat) then needs no rule of its own.
        return issued <= now.UtcDateTime + options.ClockSkew
            && token.ValidTo - issued <= options.AccessTokenLifetime + options.ClockSkew;
    }
}
