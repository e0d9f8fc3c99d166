namespace BeatOrleans.Api.Users;

// The JSON bodies of the Users table of the contract (snake_case on the wire).

public sealed record SignupRequest(string? Username, string? Email, string? Password);

public sealed record SignupResponse(string UserId, string Username, string Email, DateTimeOffset CreatedAt);

public sealed record LoginRequest(string? Email, string? Password);

public sealed record RefreshRequest(string? RefreshToken);

public sealed record TokenResponse(string Token, string TokenType, int ExpiresIn, string RefreshToken, string UserId, string Username);

public sealed record ProfileResponse(
    string UserId, string Username, string Email, string Bio, IReadOnlyList<string> PurchasedBeats, DateTimeOffset CreatedAt);

public sealed record ProfileUpdateRequest(string? Username, string? Email, string? Bio);

public sealed record LogoutRequest(string? Token);

public sealed record LogoutResponse(bool LoggedOut);

/// <summary>A password change: the current password, checked, and the new one, held to the signup's rules.</summary>
public sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword);

/// <summary>The password is changed; every other session of the account has ended (this one goes on).</summary>
public sealed record PasswordChangedResponse(string UserId, int SessionsEnded);

/// <summary>Every session of the account has ended, the caller's too.</summary>
public sealed record LogoutAllResponse(bool LoggedOut, int SessionsEnded);

public sealed record PublicProfileResponse(string UserId, string Username, string Bio, DateTimeOffset CreatedAt);
