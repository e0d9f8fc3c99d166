using BeatOrleans.Contracts.Events;

namespace BeatOrleans.Users.Accounts;

[GenerateSerializer, Alias("users.UserState")]
public sealed class UserState
{
    [Id(0)] public string Username { get; set; } = "";
    [Id(1)] public string Email { get; set; } = "";
    [Id(2)] public string PasswordHash { get; set; } = "";
    [Id(3)] public string Bio { get; set; } = "";
    [Id(4)] public List<string> PurchasedBeats { get; set; } = [];
    [Id(5)] public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Integration events written with the change that caused them, until the broker confirms them.</summary>
    [Id(6)] public List<IntegrationEvent> Events { get; set; } = [];

    /// <summary>
    /// The account's sessions, and when each was last opened or refreshed (to the day), so a password change or "log
    /// out everywhere" can end them at once; at most <see cref="UserGrain.MaxSessions"/>, the longest unused ended
    /// first.
    /// </summary>
    [Id(7)] public Dictionary<string, DateTimeOffset> Sessions { get; set; } = [];

    /// <summary>
    /// Counts password changes and ends of all sessions: a login whose password was checked before one opens no
    /// session.
    /// </summary>
    [Id(8)] public int PasswordVersion { get; set; }

    /// <summary>
    /// When the sessions were last all ended (a password change, "log out everywhere"): a session opened before,
    /// which the list does not hold (it predates the list), ends at its next refresh.
    /// </summary>
    [Id(9)] public DateTimeOffset? SessionsValidFrom { get; set; }

    /// <summary>Sessions to end that could not be reached yet; the account's reminder tries again.</summary>
    [Id(10)] public List<string> SessionsToEnd { get; set; } = [];
}
