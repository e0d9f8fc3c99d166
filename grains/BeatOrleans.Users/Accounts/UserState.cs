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
}
