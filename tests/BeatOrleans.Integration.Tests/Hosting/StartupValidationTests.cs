using System.Diagnostics;

namespace BeatOrleans.Integration.Tests.Hosting;

/// <summary>
/// A process started with a profile it lacks settings for, or without the servers it needs, stops at once with exit
/// code 1 and a last line naming what is missing (not an unhandled exception's abort, exit code 134).
/// </summary>
public sealed class StartupValidationTests
{
    [Theory]
    [InlineData("silos/BeatOrleans.Silo/bin/{0}/net10.0/BeatOrleans.Silo.dll", "ConnectionStrings:Redis", "--Urls=http://127.0.0.1:0")]
    [InlineData("silos/BeatOrleans.Silo/bin/{0}/net10.0/BeatOrleans.Silo.dll", "ConnectionStrings:Postgres", "--Urls=http://127.0.0.1:0", "--ConnectionStrings:Redis=127.0.0.1:1")]
    // A purchasing silo of a cluster takes payments as told, never simulated by default.
    [InlineData("silos/BeatOrleans.Silo/bin/{0}/net10.0/BeatOrleans.Silo.dll", "Payments:Provider",
        "--Urls=http://127.0.0.1:0", "--ConnectionStrings:Redis=127.0.0.1:1",
        "--ConnectionStrings:Postgres=Host=127.0.0.1;Port=1", "--Silo:Domains=purchasing")]
    [InlineData("api/BeatOrleans.Api/bin/{0}/net10.0/BeatOrleans.Api.dll", "ConnectionStrings:Redis", "--Urls=http://127.0.0.1:0")]
    [InlineData("api/BeatOrleans.Api/bin/{0}/net10.0/BeatOrleans.Api.dll", "Auth:Jwt:SigningKey", "--Urls=http://127.0.0.1:0", "--ConnectionStrings:Redis=127.0.0.1:1")]
    // Every setting given, but nothing answers at the Redis endpoint.
    [InlineData("api/BeatOrleans.Api/bin/{0}/net10.0/BeatOrleans.Api.dll",
        "Redis (ConnectionStrings:Redis) did not answer",
        "--Urls=http://127.0.0.1:0", "--ConnectionStrings:Redis=127.0.0.1:1",
        "--Auth:Jwt:SigningKey=c3RhcnR1cC10ZXN0LWtleS1vZi1hdC1sZWFzdC0zMi1ieXRlcw==")]
    [InlineData("silos/BeatOrleans.Silo/bin/{0}/net10.0/BeatOrleans.Silo.dll",
        "Silo:Domains names unknown domain(s) shop",
        "--Urls=http://127.0.0.1:0", "--Silo:Domains=users,shop")]
    public async Task Cluster_mode_without_a_required_setting_fails_at_start_naming_it(string binary, string missing, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(TestServers.RepositoryRoot, string.Format(System.Globalization.CultureInfo.InvariantCulture, binary, TestServers.BuildConfiguration)), "--Orleans:Mode=cluster", .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Directory.CreateTempSubdirectory("beatorleans-startup-").FullName,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"the process kept running without {missing}");
        }

        Assert.Equal(1, process.ExitCode);
        var lastLine = (await errors).TrimEnd().Split('\n')[^1];
        Assert.Matches("^The BeatOrleans (API|silo) did not start: ", lastLine);
        Assert.Contains(missing, lastLine, StringComparison.Ordinal);
    }
}
