namespace BeatOrleans.Users.Login;

public sealed class LoginThrottleOptions
{
    public const string Section = "Users:LoginThrottle";

    /// <summary>Failed attempts at one account from one client in <see cref="Window"/>; then it waits.</summary>
    public int MaxFailures { get; set; } = 5;

    /// <summary>
    /// Failed attempts at one account from any clients within <see cref="Window"/> before every client must wait:
    /// guessing spread over many addresses stops here, while one client's failures never lock the owner out.
    /// </summary>
    public int MaxFailuresPerAccount { get; set; } = 50;

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(15);
}
