using System.Globalization;
using BeatOrleans.Api.Auth;
using BeatOrleans.Api.Catalog;
using BeatOrleans.Api.Security;
using BeatOrleans.Contracts.Users;

namespace BeatOrleans.Api.Users;

public static class UsersEndpoints
{
    public static IEndpointRouteBuilder MapUsersEndpoints(this IEndpointRouteBuilder app)
    {
        var users = app.MapGroup("/api/users").WithTags("Users");

        users.MapPost("/signup", Signup).AllowAnonymous().NoStore().RequireRateLimiting(RateLimits.Credentials)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithName("Signup").WithSummary("Create an account.");
        users.MapPost("/login", Login).AllowAnonymous().NoStore().RequireRateLimiting(RateLimits.Credentials)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithName("Login").WithSummary("Exchange email and password for an access token and a refresh token.");
        users.MapPost("/refresh", Refresh).AllowAnonymous().NoStore().RequireRateLimiting(RateLimits.Credentials)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .WithName("Refresh").WithSummary("Rotate a refresh token into a new token pair.");
        users.MapGet("/profile", GetProfile).ProducesProblem(StatusCodes.Status404NotFound).WithName("GetProfile").WithSummary("The caller's own profile.");
        users.MapPut("/profile/update", UpdateProfile).RequireRateLimiting(RateLimits.ProfileChanges)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).WithName("UpdateProfile").WithSummary("Change username, email or bio.");
        users.MapPost("/logout", Logout).NoStore().WithName("Logout").WithSummary("End the caller's session.");
        users.MapPost("/logout/all", LogoutAll).NoStore().WithName("LogoutAll")
            .WithSummary("End every session of the caller's account (log out everywhere), this one included.");
        users.MapPost("/profile/password", ChangePassword).NoStore().RequireRateLimiting(RateLimits.Credentials)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithName("ChangePassword")
            .WithSummary("Change your password; every other session of the account ends, this one goes on.");
        users.MapPost("/profile/voice-tag", PreviewAndUploads.UploadVoiceTag).DisableAntiforgery()
            .RequireRateLimiting(RateLimits.Uploads).WithTags("Beats")
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .WithName("UploadVoiceTag").WithSummary("Upload your voice tag (audio), mixed into the previews of your later uploads.");
        users.MapGet("/{user_id}", GetPublicProfile).ProducesProblem(StatusCodes.Status404NotFound).WithName("GetUser").WithSummary("Another user's public profile (no email).");
        return app;
    }

    private static async Task<Results<Created<SignupResponse>, ValidationProblem, ProblemHttpResult>> Signup(
        SignupRequest request, IGrainFactory grains)
    {
        var errors = new FieldErrors();
        UsersValidation.Username(request.Username, errors);
        UsersValidation.Email(request.Email, errors);
        UsersValidation.Password(request.Password, request.Username, request.Email, errors);
        if (errors.Any)
        {
            return errors.Problem();
        }

        var userId = Guid.CreateVersion7().ToString("N");
        var result = await grains.GetGrain<IUserGrain>(userId).Register(new Signup(request.Username!, request.Email!, request.Password!));
        return result switch
        {
            { Status: SignupStatus.Created, Profile: { } p } => TypedResults.Created(
                $"/api/users/{p.UserId}", new SignupResponse(p.UserId, p.Username, p.Email, p.CreatedAt)),
            { Status: SignupStatus.UsernameTaken } => Conflict("This username is taken."),
            { Status: SignupStatus.EmailTaken } => Conflict("An account with this email exists."),
            _ => Conflict("The account could not be created; try again."),
        };
    }

    private static async Task<Results<Ok<TokenResponse>, ValidationProblem, ProblemHttpResult>> Login(
        LoginRequest request, IGrainFactory grains, TokenIssuer tokens, HttpContext http)
    {
        var errors = new FieldErrors();
        if (string.IsNullOrEmpty(request.Email) || request.Email.Length > UsersValidation.MaxEmailLength)
        {
            errors.Add("email", "An email is required.");
        }

        if (string.IsNullOrEmpty(request.Password) || request.Password.Length > UsersValidation.MaxPasswordLength)
        {
            errors.Add("password", "A password is required.");
        }

        if (errors.Any)
        {
            return errors.Problem();
        }

        // The client's address (from a trusted proxy's X-Forwarded-For, where one is configured) scopes the lockout.
        var client = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var outcome = await grains.GetGrain<ILoginGrain>(0).Login(request.Email!, request.Password!, client);
        switch (outcome)
        {
            case { Status: LoginStatus.Succeeded, UserId: { } userId, Username: { } username, SessionId: { } sessionId, RefreshSecret: { } secret }:
                return TypedResults.Ok(Tokens(tokens, userId, username, sessionId, secret));
            case { Status: LoginStatus.Throttled, RetryAfter: { } wait }:
                return Refusals.TooManyRequests(
                    http.Response, wait, "Too many failed logins.", "Wait before trying again.");
            default:
                return Unauthorized("The email or password is wrong.");
        }
    }

    private static async Task<Results<Ok<TokenResponse>, ValidationProblem, ProblemHttpResult>> Refresh(
        RefreshRequest request, IGrainFactory grains, TokenIssuer tokens)
    {
        if (string.IsNullOrEmpty(request.RefreshToken))
        {
            return Refusals.Invalid("refresh_token", "A refresh token is required.");
        }

        if (!RefreshTokens.TryParse(request.RefreshToken, out var sessionId, out var secret))
        {
            return Unauthorized("The refresh token is invalid.");
        }

        var outcome = await grains.GetGrain<ISessionGrain>(sessionId).Rotate(secret);
        if (outcome is not { Status: RefreshStatus.Rotated, UserId: { } userId, RefreshSecret: { } next })
        {
            return Unauthorized(outcome.Status == RefreshStatus.ReuseDetected
                ? "This refresh token was already used; the session has been revoked."
                : "The refresh token is invalid, expired or revoked.");
        }

        var profile = await grains.GetGrain<IUserGrain>(userId).GetProfile();
        return profile is null
            ? Unauthorized("The account no longer exists.")
            : TypedResults.Ok(Tokens(tokens, userId, profile.Username, sessionId, next));
    }

    private static async Task<Results<Ok<ProfileResponse>, ProblemHttpResult>> GetProfile(
        HttpContext http, ProfileCache profiles)
    {
        var profile = await profiles.Get(http.User.UserId());
        return profile is null ? Refusals.NotFound("The account no longer exists.") : TypedResults.Ok(ToResponse(profile));
    }

    private static async Task<Results<Ok<ProfileResponse>, ValidationProblem, ProblemHttpResult>> UpdateProfile(
        ProfileUpdateRequest request, HttpContext http, IGrainFactory grains, UserDirectory directory)
    {
        var errors = new FieldErrors();
        UsersValidation.Username(request.Username, errors, required: false);
        UsersValidation.Email(request.Email, errors, required: false);
        UsersValidation.Bio(request.Bio, errors);
        if (errors.Any)
        {
            return errors.Problem();
        }

        var result = await grains.GetGrain<IUserGrain>(http.User.UserId())
            .UpdateProfile(new ProfileChanges(request.Username, request.Email, request.Bio));
        directory.Forget(http.User.UserId(), request.Username);
        return result switch
        {
            { Status: ProfileUpdateStatus.Updated, Profile: { } p } => TypedResults.Ok(ToResponse(p)),
            { Status: ProfileUpdateStatus.UsernameTaken } => Conflict("This username is taken."),
            { Status: ProfileUpdateStatus.EmailTaken } => Conflict("An account with this email exists."),
            _ => Refusals.NotFound("The account no longer exists."),
        };
    }

    private static async Task<Ok<LogoutResponse>> Logout(LogoutRequest? request, HttpContext http, IGrainFactory grains)
    {
        var userId = http.User.UserId();
        await grains.GetGrain<ISessionGrain>(http.User.SessionId()).Revoke();

        // The seed's clients post the token to end; a refresh token of another of the caller's sessions ends that one too.
        if (RefreshTokens.TryParse(request?.Token, out var otherSession, out _)
            && await grains.GetGrain<ISessionGrain>(otherSession).GetActiveUser() == userId)
        {
            await grains.GetGrain<ISessionGrain>(otherSession).Revoke();
        }

        return TypedResults.Ok(new LogoutResponse(true));
    }

    private static async Task<Ok<LogoutAllResponse>> LogoutAll(HttpContext http, IGrainFactory grains)
    {
        var ended = await grains.GetGrain<IUserGrain>(http.User.UserId()).EndSessions();
        // Whether or not the account listed it (a session from before the list): this one ends too.
        await grains.GetGrain<ISessionGrain>(http.User.SessionId()).Revoke();
        return TypedResults.Ok(new LogoutAllResponse(true, ended));
    }

    private static async Task<Results<Ok<PasswordChangedResponse>, ValidationProblem, ProblemHttpResult>>
        ChangePassword(ChangePasswordRequest request, HttpContext http, IGrainFactory grains, ProfileCache profiles)
    {
        var userId = http.User.UserId();
        var profile = await profiles.Get(userId);
        if (profile is null)
        {
            return Refusals.NotFound("The account no longer exists.");
        }

        var errors = new FieldErrors();
        if (string.IsNullOrEmpty(request.CurrentPassword)
            || request.CurrentPassword.Length > UsersValidation.MaxPasswordLength)
        {
            errors.Add("current_password", "The current password is required.");
        }

        UsersValidation.Password(request.NewPassword, profile.Username, profile.Email, errors, "new_password");
        if (!errors.Any && request.NewPassword == request.CurrentPassword)
        {
            errors.Add("new_password", "The new password must differ from the current one.");
        }

        if (errors.Any)
        {
            return errors.Problem();
        }

        var result = await grains.GetGrain<IPasswordChangeGrain>(0)
            .ChangePassword(userId, http.User.SessionId(), request.CurrentPassword!, request.NewPassword!);
        switch (result)
        {
            case { Status: PasswordChangeStatus.Changed }:
                return TypedResults.Ok(new PasswordChangedResponse(userId, result.SessionsEnded));
            case { Status: PasswordChangeStatus.WrongPassword }:
                return Refusals.Invalid("current_password", "The current password is wrong.");
            case { Status: PasswordChangeStatus.Stale }:
                return Refusals.Conflict(
                    "Conflict.", "The password or the sessions changed meanwhile (another device); try again.");
            case { Status: PasswordChangeStatus.Throttled, RetryAfter: { } wait }:
                return Refusals.TooManyRequests(http.Response, wait,
                    "Too many wrong passwords.", "Wait before trying to change the password again.");
            default:
                return Refusals.NotFound("The account no longer exists.");
        }
    }

    private static async Task<Results<Ok<PublicProfileResponse>, ProblemHttpResult>> GetPublicProfile(
        string user_id, ProfileCache profiles)
    {
        if (!EntityIds.IsValid(user_id))
        {
            // Not the shape of a user id (blank, too long, ...): no user has it, and no grain is asked.
            return Refusals.NotFound("No user has this id.");
        }

        var profile = await profiles.Get(user_id);
        return profile is null
            ? Refusals.NotFound("No user has this id.")
            : TypedResults.Ok(new PublicProfileResponse(profile.UserId, profile.Username, profile.Bio, profile.CreatedAt));
    }

    private static TokenResponse Tokens(TokenIssuer tokens, string userId, string username, string sessionId, string secret)
    {
        var access = tokens.Issue(userId, username, sessionId);
        return new TokenResponse(access.Token, "Bearer", access.ExpiresInSeconds, RefreshTokens.Format(sessionId, secret), userId, username);
    }

    private static ProfileResponse ToResponse(UserProfile p) => new(p.UserId, p.Username, p.Email, p.Bio, p.PurchasedBeats, p.CreatedAt);

    private static ProblemHttpResult Conflict(string detail) => Refusals.Conflict("Conflict.", detail);

    private static ProblemHttpResult Unauthorized(string detail) =>
        Refusals.Problem(StatusCodes.Status401Unauthorized, "Authentication failed.", detail);
}
