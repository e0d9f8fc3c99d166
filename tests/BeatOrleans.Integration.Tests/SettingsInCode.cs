using System.Text.RegularExpressions;

namespace BeatOrleans.Integration.Tests;

/// <summary>
/// Whether a setting that a deployment file gives a BeatOrleans process is one the code reads: a typo there would be
/// silently ignored at run time. Reads the sources and appsettings.json of api/, silos/ and grains/.
/// </summary>
public static class SettingsInCode
{
    private static readonly Lazy<string> Source = new(() => string.Join('\n', new[] { "api", "silos", "grains" }
        .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(TestServers.RepositoryRoot, folder), "*.*", SearchOption.AllDirectories))
        .Where(file => (file.EndsWith(".cs", StringComparison.Ordinal) || file.EndsWith("appsettings.json", StringComparison.Ordinal))
            && !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
            && !file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
        .Select(File.ReadAllText)));

    /// <summary>
    /// "Auth__Jwt__SigningKey" is read if "Auth:Jwt:SigningKey" appears, or its section (or, for a nested options class
    /// such as Blobs:S3, its top section) does and an options class has the property. A trailing index (an array
    /// element, "ForwardedHeaders__KnownNetworks__0") names its array. BEATORLEANS_ROLE is the Dockerfile's.
    /// </summary>
    public static bool IsRead(string variable)
    {
        if (variable == "BEATORLEANS_ROLE")
        {
            return File.ReadAllText(Path.Combine(TestServers.RepositoryRoot, "Dockerfile")).Contains("$BEATORLEANS_ROLE", StringComparison.Ordinal);
        }

        var source = Source.Value;
        var key = Regex.Replace(variable.Replace("__", ":", StringComparison.Ordinal), @":\d+$", "");
        var colon = key.LastIndexOf(':');
        if (colon < 0)
        {
            return source.Contains($"\"{key}\"", StringComparison.Ordinal);
        }

        var (section, name) = (key[..colon], key[(colon + 1)..]);
        return source.Contains($"\"{key}\"", StringComparison.Ordinal)
            || (section == "ConnectionStrings" && source.Contains($"GetConnectionString(\"{name}\")", StringComparison.Ordinal))
            || ((source.Contains($"\"{section}\"", StringComparison.Ordinal) || source.Contains($"\"{section.Split(':')[0]}\"", StringComparison.Ordinal))
                && Regex.IsMatch(source, $@"public \S+ {Regex.Escape(name)} \{{ get; set; \}}"));
    }
}
