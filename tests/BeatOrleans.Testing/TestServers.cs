namespace BeatOrleans.Testing;

/// <summary>The real servers scripts/test.sh started for this run, found through its environment variables.</summary>
public static class TestServers
{
    public static string Redis => Required("BEATORLEANS_TEST_REDIS");

    public static string Postgres => Required("BEATORLEANS_TEST_POSTGRES");

    /// <summary>The repository root, found from the test assembly's folder.</summary>
    public static string RepositoryRoot
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "BeatOrleans.sln")))
            {
                directory = directory.Parent;
            }

            return directory?.FullName ?? throw new InvalidOperationException("BeatOrleans.sln not found above the test folder.");
        }
    }

    /// <summary>Debug or Release: the cluster runs the binaries built with the tests.</summary>
    public static string BuildConfiguration =>
        typeof(TestServers).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyConfigurationAttribute), false)
            .Cast<System.Reflection.AssemblyConfigurationAttribute>().FirstOrDefault()?.Configuration ?? "Release";

    private static string Required(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{name} is not set: run the integration tests through ./scripts/test.sh, which starts the servers.");
}
