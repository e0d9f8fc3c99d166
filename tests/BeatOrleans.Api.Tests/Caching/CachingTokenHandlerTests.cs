using System.Security.Claims;
using BeatOrleans.Api.Auth;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace BeatOrleans.Api.Tests.Caching;

/// <summary>A remembered token validation never outlives the token, and never answers for a different token.</summary>
public sealed class CachingTokenHandlerTests
{
    private readonly ManualClock clock = new();
    private readonly SymmetricSecurityKey key = new(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    private TokenValidationParameters Parameters() => new()
    {
        ValidIssuer = "issuer",
        ValidAudience = "audience",
        IssuerSigningKey = key,
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        ClockSkew = TimeSpan.Zero,
        // The full validation reads the same clock as the cache.
        LifetimeValidator = (_, expires, _, _) => clock.GetUtcNow().UtcDateTime < expires,
    };

    private string Token(TimeSpan lifetime)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "issuer",
            Audience = "audience",
            Subject = new ClaimsIdentity([new Claim("sub", "user-1")]),
            NotBefore = now,
            IssuedAt = now,
            Expires = now + lifetime,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });
    }

    [Fact]
    public async Task A_token_validated_before_is_refused_once_it_expires()
    {
        var handler = new CachingTokenHandler(clock) { MapInboundClaims = false };
        var token = Token(TimeSpan.FromMinutes(5));

        Assert.True((await handler.ValidateTokenAsync(token, Parameters())).IsValid);
        Assert.True((await handler.ValidateTokenAsync(token, Parameters())).IsValid);
        clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));

        var late = await handler.ValidateTokenAsync(token, Parameters());
        Assert.False(late.IsValid);
    }

    [Fact]
    public async Task A_token_altered_after_a_valid_one_was_remembered_is_validated_in_full_and_refused()
    {
        var handler = new CachingTokenHandler(clock) { MapInboundClaims = false };
        var token = Token(TimeSpan.FromMinutes(5));
        Assert.True((await handler.ValidateTokenAsync(token, Parameters())).IsValid);

        var signature = token[(token.LastIndexOf('.') + 1)..];
        var forged = token[..(token.LastIndexOf('.') + 1)] + (signature[0] == 'A' ? 'B' : 'A') + signature[1..];

        Assert.False((await handler.ValidateTokenAsync(forged, Parameters())).IsValid);
    }

    [Fact]
    public async Task Each_validation_gets_claims_of_its_own()
    {
        var handler = new CachingTokenHandler(clock) { MapInboundClaims = false };
        var token = Token(TimeSpan.FromMinutes(5));

        var first = await handler.ValidateTokenAsync(token, Parameters());
        first.ClaimsIdentity.AddClaim(new Claim("role", "admin"));
        var second = await handler.ValidateTokenAsync(token, Parameters());

        Assert.Equal("user-1", second.ClaimsIdentity.FindFirst("sub")?.Value);
        Assert.Null(second.ClaimsIdentity.FindFirst("role"));
    }
}
