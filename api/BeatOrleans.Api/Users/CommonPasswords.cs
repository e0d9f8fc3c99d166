using System.Collections.Frozen;

namespace BeatOrleans.Api.Users;

/// <summary>The blocklist of common passwords (CommonPasswords/NOTICE.txt names its source), read once on first use.</summary>
internal static class CommonPasswords
{
    /// <summary>The manifest name the csproj gives the list, so the folder layout does not leak into it.</summary>
    public const string ResourceName = "BeatOrleans.Api.Users.common-passwords.txt";

    // 30,000 entries, ~1 MB in memory: loaded when the first password is checked, not at start, and never again.
    private static readonly Lazy<FrozenSet<string>> Set = new(Load);

    /// <summary>Whether the password, in any letter case, is on the list.</summary>
    public static bool Contains(string password) => Set.Value.Contains(password);

    private static FrozenSet<string> Load()
    {
        using var stream = typeof(CommonPasswords).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing.");
        using var reader = new StreamReader(stream);
        var entries = new List<string>(capacity: 30_000);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0)
            {
                entries.Add(line);
            }
        }

        return entries.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
    }
}
