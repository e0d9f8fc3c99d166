namespace BeatOrleans.Users.Login;

public sealed class LoginThrottleOptions
{
    public const string Section = "Users:LoginThrottle";

    /// <summary>Failed attempts an account may make within <see cref="Window"/> before it must wait.</summary>
    public int MaxFailures { get; set; } = 5;

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(15);
}
