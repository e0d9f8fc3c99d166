using System.Globalization;
using BeatOrleans.Api.Auth;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace BeatOrleans.Api.Catalog;

/// <summary>
/// Short-lived URLs the API itself serves (previews, local uploads): an expiry and an HMAC over what the URL grants,
/// keyed from the token signing key that every API node shares, so any node honours a URL another one gave out.
/// </summary>
public sealed class SignedUrls(SigningCredentials signing, PreviousSigningKeys previous, TimeProvider clock)
{
    private readonly byte[] key = Derive(((SymmetricSecurityKey)signing.Key).Key);

    // A URL handed out before a signing-key rotation stays good until it expires.
    private readonly byte[][] previousKeys = [.. previous.Keys.Select(k => Derive(k.Key))];

    public DateTimeOffset Expiry(TimeSpan lifetime) => DateTimeOffset.FromUnixTimeSeconds(clock.GetUtcNow().Add(lifetime).ToUnixTimeSeconds());

    /// <summary>The query string granting <paramref name="grant"/> until <paramref name="expires"/>.</summary>
    public string Sign(string grant, DateTimeOffset expires)
    {
        var exp = expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"exp={exp}&sig={Signature(key, grant, exp)}";
    }

    /// <summary>Whether the URL's <paramref name="exp"/> and <paramref name="sig"/> grant <paramref name="grant"/> now.</summary>
    public bool Verify(string grant, string? exp, string? sig)
    {
        if (exp is null || sig is null || !long.TryParse(exp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || clock.GetUtcNow().ToUnixTimeSeconds() > seconds)
        {
            return false;
        }

        var given = Encoding.ASCII.GetBytes(sig);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Signature(key, grant, exp)), given)
            || previousKeys.Any(k => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Signature(k, grant, exp)), given));
    }

    /// <summary>
    /// A stable, URL-safe name for <paramref name="value"/> that cannot be turned back into it without the key (an
    /// address or a user id in a URL). It changes when the signing key rotates.
    /// </summary>
    public string Pseudonym(string value) =>
        Base64UrlEncoder.Encode(
            HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"pseudonym\n{value}")).AsSpan(0, 16).ToArray());

    private static byte[] Derive(byte[] signingKey) => HMACSHA256.HashData(signingKey, "beatorleans.signed-urls.v1"u8);

    private static string Signature(byte[] key, string grant, string exp) =>
        Base64UrlEncoder.Encode(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{grant}\n{exp}")));
}
