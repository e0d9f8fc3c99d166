namespace BeatOrleans.Api.Auth;

/// <summary>A refresh token is "sessionId.secret": the session grain is found by the first part and checks the second.</summary>
public static class RefreshTokens
{
    public static string Format(string sessionId, string secret) => $"{sessionId}.{secret}";

    public static bool TryParse(string? token, out string sessionId, out string secret)
    {
        sessionId = secret = "";
        if (string.IsNullOrEmpty(token) || token.Length > 256)
        {
            return false;
        }

        var dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot != 32 || dot == token.Length - 1 || !token.AsSpan(0, dot).ContainsOnlyHex())
        {
            return false;
        }

        sessionId = token[..dot];
        secret = token[(dot + 1)..];
        return true;
    }

    private static bool ContainsOnlyHex(this ReadOnlySpan<char> span)
    {
        foreach (var c in span)
        {
            if (!char.IsAsciiHexDigitLower(c))
            {
                return false;
            }
        }

        return true;
    }
}
