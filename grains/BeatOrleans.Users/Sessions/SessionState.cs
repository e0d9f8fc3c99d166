namespace BeatOrleans.Users.Sessions;

[GenerateSerializer, Alias("users.SessionState")]
public sealed class SessionState
{
    [Id(0)] public string UserId { get; set; } = "";

    /// <summary>SHA-256 of the refresh secret that may be used next; the secret itself is never stored.</summary>
    [Id(1)] public byte[] CurrentSecretHash { get; set; } = [];

    /// <summary>Hashes of secrets already exchanged: presenting one means the token was stolen.</summary>
    [Id(2)] public List<byte[]> RetiredSecretHashes { get; set; } = [];

    [Id(3)] public DateTimeOffset OpenedAt { get; set; }

    [Id(4)] public DateTimeOffset ExpiresAt { get; set; }

    [Id(5)] public bool Revoked { get; set; }
}
