using System.Security.Claims;
using BeatOrleans.Api.Orleans;
using BeatOrleans.Api.Security;
using BeatOrleans.Contracts.Users;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace BeatOrleans.Api.Auth;

public static class AuthExtensions
{
    private const string UnavailableItem = "beatorleans.auth.unavailable";

    /// <summary>
    /// Bearer JWTs checked against their session grain (or this node's <see cref="SessionCache"/>, which a revocation
    /// clears before it is answered), so a logout takes effect at once on every API node; everything requires a
    /// caller unless it says AllowAnonymous.
    /// </summary>
    public static WebApplicationBuilder AddMarketplaceAuth(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<JwtOptions>()
            .Bind(builder.Configuration.GetSection(JwtOptions.Section))
            .Validate(o => o.AccessTokenLifetime > TimeSpan.Zero && o.AccessTokenLifetime <= TimeSpan.FromMinutes(15),
                $"{JwtOptions.Section}:AccessTokenLifetime must be positive and at most 15 minutes.")
            .Validate(o => o.ClockSkew >= TimeSpan.Zero && o.ClockSkew <= TimeSpan.FromSeconds(30),
                $"{JwtOptions.Section}:ClockSkew must be between 0 and 30 seconds.")
            .Validate(o => o.PreviousSigningKeys.All(k => Convert.TryFromBase64String(k, new byte[k.Length], out var n) && n >= SigningKeys.MinimumBytes),
                $"{JwtOptions.Section}:PreviousSigningKeys must each be base64 of at least {SigningKeys.MinimumBytes} bytes.")
            .Validate(o => string.IsNullOrWhiteSpace(o.SigningKey)
                    || (Convert.TryFromBase64String(o.SigningKey, new byte[o.SigningKey.Length], out var n)
                        && n >= SigningKeys.MinimumBytes),
                $"{JwtOptions.Section}:SigningKey must be base64 of at least {SigningKeys.MinimumBytes} bytes.")
            .Validate<OrleansMode>((o, mode) => mode.Embedded || !string.IsNullOrWhiteSpace(o.SigningKey),
                $"{JwtOptions.Section}:SigningKey is required outside the embedded profile (base64, >= {SigningKeys.MinimumBytes} bytes, the same on every API node).")
            .ValidateOnStart();
        services.TryAddTimeProvider();
        services.AddSingleton(sp => new SigningCredentials(
            SigningKeys.Resolve(sp.GetRequiredService<IOptions<JwtOptions>>().Value, sp.GetRequiredService<OrleansMode>().Embedded),
            SecurityAlgorithms.HmacSha256));
        services.AddSingleton(sp => SigningKeys.Previous(sp.GetRequiredService<IOptions<JwtOptions>>().Value));
        // The key is read (or, embedded, made and kept) at start: a bad key file stops the process with its reason
        // rather than failing every request that signs or checks a token.
        services.AddHostedService<SigningKeyCheck>();
        services.AddSingleton<TokenIssuer>();
        services.AddOptions<SessionCheckOptions>()
            .Bind(builder.Configuration.GetSection(SessionCheckOptions.Section))
            .Validate(o => o.CacheDuration >= TimeSpan.Zero && o.CacheDuration <= TimeSpan.FromMinutes(1),
                $"{SessionCheckOptions.Section}:CacheDuration must be between 0 and 1 minute.")
            .ValidateOnStart();
        services.AddSingleton<SessionCache>();
        services.AddSingleton<CachingTokenHandler>();

        services.AddOptions<OperatorOptions>().Bind(builder.Configuration.GetSection(OperatorOptions.Section))
            .Validate<OrleansMode>(
                (o, mode) => mode.Embedded || o.Password is null
                    || o.Password.Length >= OperatorOptions.MinPasswordLength,
                $"{OperatorOptions.Section}:Password must be at least {OperatorOptions.MinPasswordLength} characters "
                + "(e.g. head -c 18 /dev/urandom | base64 -w0).")
            .Validate(o => o.MaxFailures >= 1 && o.FailureWindow > TimeSpan.Zero,
                $"{OperatorOptions.Section}: MaxFailures must be at least 1 and FailureWindow positive.")
            .ValidateOnStart();
        services.AddSingleton<OperatorLoginThrottle>();
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer()
            .AddScheme<AuthenticationSchemeOptions, OperatorAuthenticationHandler>(OperatorAuthenticationHandler.SchemeName, null);
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<JwtOptions>, SigningCredentials, PreviousSigningKeys, TimeProvider,
                CachingTokenHandler>((bearer, jwt, signing, previous, clock, handler) =>
            {
                bearer.MapInboundClaims = false;
                handler.MapInboundClaims = false;
                bearer.TokenHandlers.Clear();
                bearer.TokenHandlers.Add(handler);
                bearer.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = jwt.Value.Issuer,
                    ValidAudience = jwt.Value.Audience,
                    // The current key first; tokens signed before a rotation verify with a previous one.
                    IssuerSigningKeys = [signing.Key, .. previous.Keys],
                    ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                    ValidateIssuer = true,
                    ValidateAudience = true,
                    ValidateLifetime = true,
                    ValidateIssuerSigningKey = true,
                    RequireExpirationTime = true,
                    RequireSignedTokens = true,
                    ClockSkew = jwt.Value.ClockSkew,
                    NameClaimType = JwtRegisteredClaimNames.UniqueName,
                };
                bearer.Events = new JwtBearerEvents
                {
                    OnMessageReceived = context => AcceptKnownToken(context, jwt.Value, clock, handler),
                    OnTokenValidated = context => RequireOpenSession(context, jwt.Value, clock),
                    OnChallenge = WriteChallenge,
                    OnForbidden = context => context.HttpContext.WriteProblem(403, "You are not allowed to do this.").AsTask(),
                };
            });

        services.AddSingleton<IAuthorizationMiddlewareResultHandler, RoutingAnswersFirst>();
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddDashboardAccess();
        return builder;
    }

    private static void TryAddTimeProvider(this IServiceCollection services)
    {
        if (!services.Any(d => d.ServiceType == typeof(TimeProvider)))
        {
            services.AddSingleton(TimeProvider.System);
        }
    }

    /// <summary>
    /// Takes the token (browsers cannot set headers on WebSockets, so only the real-time paths take ?access_token=),
    /// and accepts at once a token this node validated before (<see cref="CachingTokenHandler"/>), skipping the
    /// bearer handler's per-request setup and validation; its lifetime policy and session are checked as for any token.
    /// </summary>
    private static async Task AcceptKnownToken(MessageReceivedContext context, JwtOptions jwt, TimeProvider clock,
        CachingTokenHandler tokens)
    {
        var path = context.HttpContext.Request.Path;
        if ((path.StartsWithSegments("/hubs") || path.StartsWithSegments("/ws"))
            && context.Request.Query.TryGetValue("access_token", out var query))
        {
            context.Token = query;
        }

        var token = context.Token ?? BearerToken(context.Request.Headers.Authorization.ToString());
        if (token is null || !tokens.TryGetValidated(token, out var identity, out var securityToken))
        {
            return;
        }

        var principal = new ClaimsPrincipal(identity);
        var failure = await SessionFailure(context.HttpContext, principal, securityToken, jwt, clock);
        if (failure is null)
        {
            context.Principal = principal;
            context.Success();
        }
        else
        {
            context.Fail(failure);
        }
    }

    /// <summary>The token of an <c>Authorization: Bearer</c> header, as the bearer handler reads it.</summary>
    private static string? BearerToken(string authorization) =>
        authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && authorization.Length > 7
            ? authorization[7..].Trim()
            : null;

    private static async Task RequireOpenSession(TokenValidatedContext context, JwtOptions jwt, TimeProvider clock)
    {
        var failure = await SessionFailure(context.HttpContext, context.Principal, context.SecurityToken, jwt, clock);
        if (failure is not null)
        {
            context.Fail(failure);
        }
    }

    /// <summary>Why a validly signed token is refused (its lifetime, or its session), or null when it is
    /// accepted.</summary>
    private static async Task<string?> SessionFailure(HttpContext http, ClaimsPrincipal? principal,
        SecurityToken? securityToken, JwtOptions jwt, TimeProvider clock)
    {
        // Checked before the session, so an over-long token costs no grain call.
        if (securityToken is not JsonWebToken token || !AccessTokenLifetime.IsAcceptable(token, jwt, clock.GetUtcNow()))
        {
            return "The token's lifetime is not one this API issues.";
        }

        var userId = principal?.FindFirst(JwtRegisteredClaimNames.Sub)?.Value;
        var sessionId = principal?.FindFirst(JwtRegisteredClaimNames.Sid)?.Value;
        if (userId is null || sessionId is null)
        {
            return "The token names no user or session.";
        }

        var services = http.RequestServices;
        var sessions = services.GetRequiredService<SessionCache>();
        if (sessions.IsKnownOpen(sessionId, userId))
        {
            return null;
        }

        var started = sessions.Entries.BeginRead();
        try
        {
            if (await services.GetRequiredService<IGrainFactory>().GetGrain<ISessionGrain>(sessionId).GetActiveUser() != userId)
            {
                return "The session has ended.";
            }

            sessions.Entries.Store(sessionId, userId, started);
            return null;
        }
        catch (Exception exception) when (OrleansUnavailability.Matches(exception))
        {
            http.Items[UnavailableItem] = true;
            return "Sessions cannot be checked right now.";
        }
    }

    private static async Task WriteChallenge(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        if (context.HttpContext.Items.ContainsKey(UnavailableItem))
        {
            context.Response.Headers.RetryAfter = "5";
            await context.HttpContext.WriteProblem(503, "Sign-in is temporarily unavailable.", "Sessions cannot be checked right now; try again shortly.");
            return;
        }

        context.Response.Headers.WWWAuthenticate = "Bearer";
        var detail = context.AuthenticateFailure is null
            ? "Send an access token from POST /api/users/login as 'Authorization: Bearer <token>'."
            : "The access token is invalid, expired or revoked.";
        await context.HttpContext.WriteProblem(401, "Authentication is required.", detail);
    }
}
