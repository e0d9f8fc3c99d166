using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;

namespace BeatOrleans.Api.Auth;

public static class CallerExtensions
{
    /// <summary>The authenticated caller's user id (the token's subject).</summary>
    public static string UserId(this ClaimsPrincipal user) =>
        user.FindFirstValue(JwtRegisteredClaimNames.Sub) ?? throw new InvalidOperationException("The caller is not authenticated.");

    /// <summary>The session the caller's access token belongs to.</summary>
    public static string SessionId(this ClaimsPrincipal user) =>
        user.FindFirstValue(JwtRegisteredClaimNames.Sid) ?? throw new InvalidOperationException("The caller is not authenticated.");
}
