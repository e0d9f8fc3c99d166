using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Microsoft.Extensions.Options;

namespace BeatOrleans.Api.Auth;

/// <summary>An access token as login and refresh hand it out.</summary>
public sealed record AccessToken(string Token, int ExpiresInSeconds);

/// <summary>Signs short-lived access tokens that name the user and the session behind them.</summary>
public sealed class TokenIssuer(IOptions<JwtOptions> options, SigningCredentials credentials, TimeProvider clock)
{
    private readonly JsonWebTokenHandler handler = new() { SetDefaultTimesOnTokenCreation = false };

    public AccessToken Issue(string userId, string username, string sessionId)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var lifetime = options.Value.AccessTokenLifetime;
        var token = handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Value.Issuer,
            Audience = options.Value.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            SigningCredentials = credentials,
            Subject = new ClaimsIdentity(
            [
                new Claim(JwtRegisteredClaimNames.Sub, userId),
                new Claim(JwtRegisteredClaimNames.Sid, sessionId),
                new Claim(JwtRegisteredClaimNames.UniqueName, username),
                new Claim(JwtRegisteredClaimNames.Jti, Guid.NewGuid().ToString("N")),
            ]),
        });
        return new AccessToken(token, (int)lifetime.TotalSeconds);
    }
}
