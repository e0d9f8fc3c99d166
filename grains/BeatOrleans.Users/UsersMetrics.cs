using System.Diagnostics.Metrics;
using BeatOrleans.Contracts.Users;

namespace BeatOrleans.Users;

/// <summary>The users domain's meter (exported by every host: BeatOrleans.Hosting/Telemetry listens to BeatOrleans.*).</summary>
internal static class UsersMetrics
{
    private static readonly Meter Meter = new("BeatOrleans.Users");

    private static readonly Counter<long> Signups = Meter.CreateCounter<long>("beatorleans.users.signups", "{account}", "Accounts created");

    private static readonly Counter<long> Logins = Meter.CreateCounter<long>("beatorleans.users.logins", "{login}", "Login attempts, by outcome: succeeded, failed, throttled");

    private static readonly Counter<long> RefusedChecks = Meter.CreateCounter<long>(
        "beatorleans.users.password_checks_refused",
        "{check}",
        "Password hashes and verifications refused because every hashing slot stayed busy past the queue time");

    public static void SignedUp() => Signups.Add(1);

    public static void PasswordCheckRefused() => RefusedChecks.Add(1);

    public static void LoggedIn(LoginStatus status) => Logins.Add(1, new KeyValuePair<string, object?>("outcome", status switch
    {
        LoginStatus.Succeeded => "succeeded",
        LoginStatus.Throttled => "throttled",
        _ => "failed",
    }));
}
