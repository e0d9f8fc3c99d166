namespace BeatOrleans.Users.Sessions;

public sealed class SessionOptions
{
    public const string Section = "Users:Sessions";

    /// <summary>How long a session lives without being refreshed.</summary>
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(14);
}
