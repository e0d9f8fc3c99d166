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
}
