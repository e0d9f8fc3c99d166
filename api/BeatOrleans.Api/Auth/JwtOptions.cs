namespace BeatOrleans.Api.Auth;

public sealed class JwtOptions
{
    public const string Section = "Auth:Jwt";

    public string Issuer { get; set; } = "beatorleans";

    public string Audience { get; set; } = "beatorleans-api";

    /// <summary>Base64 HMAC-SHA256 key of at least 32 bytes, the same on every API node. Embedded: generated once under data/.</summary>
    public string? SigningKey { get; set; }

    /// <summary>
    /// Keys that signed tokens and URLs before a rotation (base64, >= 32 bytes each): still accepted, never used to sign.
    /// Keep the old key here for at least the access token lifetime and the longest signed URL (15 minutes), then drop it.
    /// </summary>
    public string[] PreviousSigningKeys { get; set; } = [];

    /// <summary>Where the embedded profile keeps its generated key when <see cref="SigningKey"/> is not set.</summary>
    public string SigningKeyFile { get; set; } = "data/jwt-signing.key";

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);
}
