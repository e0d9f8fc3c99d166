using System.Diagnostics;
using System.Text.RegularExpressions;

namespace BeatOrleans.Integration.Tests.Deployment;

/// <summary>
/// docker-compose.yml checked offline: Compose accepts it (alone and with the override scripts/containers.sh uses), and
/// every setting it gives a BeatOrleans container is one the code reads. The stack itself runs in the container stage
/// of scripts/test.sh (tests/BeatOrleans.Deployment.Tests).
/// </summary>
public sealed partial class DeploymentFileTests
{
    private static readonly string Root = TestServers.RepositoryRoot;

    [Fact]
    public async Task Docker_compose_accepts_the_file()
    {
        var (exitCode, _, errors) = await Compose();

        Assert.True(exitCode == 0, errors);
    }

    [Theory]
    [InlineData("BEATORLEANS_S3_SECRET_KEY")] // MinIO's port is published: no default root password
    [InlineData("BEATORLEANS_POSTGRES_PASSWORD")]
    [InlineData("BEATORLEANS_RABBITMQ_PASSWORD")]
    [InlineData("BEATORLEANS_PAYMENTS")] // simulated payments are chosen, never a default
    public async Task Docker_compose_refuses_to_run_without_a_value_that_must_be_chosen(string unset)
    {
        var (exitCode, _, errors) = await Compose(unset: unset);

        Assert.NotEqual(0, exitCode);
        Assert.Contains(unset, errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_setting_given_to_a_beatorleans_container_is_read_by_the_code()
    {
        var services = Parse((await Compose()).Output);

        var ours = services.Where(s => s.Value.Image == "beatorleans:local").ToList();
        Assert.Contains(ours, s => s.Key.StartsWith("api-", StringComparison.Ordinal));
        Assert.Contains(ours, s => s.Key.StartsWith("silo-", StringComparison.Ordinal));
        var unread = ours
            .SelectMany(s => s.Value.Environment.Keys.Select(key => (Service: s.Key, Key: key)))
            .Where(e => !SettingsInCode.IsRead(e.Key))
            .Select(e => $"{e.Service}: {e.Key}")
            .ToList();

        Assert.True(unread.Count == 0, $"settings no code reads: {string.Join(", ", unread)}");
    }

    [Fact]
    public async Task The_local_override_changes_only_images_commands_and_checks()
    {
        var (exitCode, output, errors) = await Compose([Path.Combine("deploy", "containers", "compose.local.yml")]);
        Assert.True(exitCode == 0, errors);

        var withOverride = Parse(output);
        var alone = Parse((await Compose()).Output);
        Assert.Equal(alone.Keys.Order(), withOverride.Keys.Order());
        foreach (var (name, service) in alone)
        {
            Assert.Equal(service.Environment, withOverride[name].Environment);
        }

        Assert.All(withOverride.Values.Where(s => s.Image != "beatorleans:local"), s => Assert.StartsWith("localhost/beatorleans/", s.Image, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Each_silo_service_hosts_a_domain_that_exists()
    {
        var services = Parse((await Compose()).Output);
        var domains = Directory.EnumerateFiles(Path.Combine(Root, "grains"), "*Domain.cs", SearchOption.AllDirectories)
            .SelectMany(file => DomainName().Matches(File.ReadAllText(file)).Select(m => m.Groups[1].Value))
            .ToHashSet();

        var silos = services.Where(s => s.Key.StartsWith("silo-", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(silos);
        foreach (var (name, service) in silos)
        {
            var hosted = service.Environment["Silo__Domains"].Split(',', StringSplitOptions.TrimEntries);
            Assert.All(hosted, domain => Assert.Contains(domain, domains));
            Assert.Contains(name["silo-".Length..], hosted);
        }
    }

    private sealed record Service(string? Image, Dictionary<string, string> Environment);

    /// <summary>Reads services, images and environment maps from the normalised output of <c>docker-compose config</c>.</summary>
    private static Dictionary<string, Service> Parse(string yaml)
    {
        var services = new Dictionary<string, Service>();
        string? current = null;
        var inServices = false;
        var inEnvironment = false;
        foreach (var line in yaml.Split('\n'))
        {
            var indent = line.Length - line.TrimStart().Length;
            var text = line.Trim();
            if (indent == 0)
            {
                inServices = text == "services:";
                current = null;
            }
            else if (inServices && indent == 2 && text.EndsWith(':'))
            {
                current = text[..^1];
                services[current] = new Service(null, []);
                inEnvironment = false;
            }
            else if (current is not null && indent == 4)
            {
                inEnvironment = text == "environment:";
                if (text.StartsWith("image: ", StringComparison.Ordinal))
                {
                    services[current] = services[current] with { Image = text["image: ".Length..].Trim('\'', '"') };
                }
            }
            else if (current is not null && inEnvironment && indent == 6 && text.Contains(':', StringComparison.Ordinal))
            {
                var separator = text.IndexOf(':', StringComparison.Ordinal);
                services[current].Environment[text[..separator]] = text[(separator + 1)..].Trim().Trim('\'', '"');
            }
        }

        return services;
    }

    private static async Task<(int ExitCode, string Output, string Errors)> Compose(
        string[]? overrides = null, string? unset = null)
    {
        var files = new[] { "docker-compose.yml" }.Concat(overrides ?? [])
            .SelectMany(file => new[] { "-f", Path.Combine(Root, file) });
        var start = new ProcessStartInfo("docker-compose", [.. files, "config"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Root,
        };
        // The values the file requires from its user; any value will do for validation.
        start.Environment["BEATORLEANS_JWT_SIGNING_KEY"] = Convert.ToBase64String(new byte[48]);
        start.Environment["BEATORLEANS_OPERATOR_PASSWORD"] = "validation-only";
        start.Environment["BEATORLEANS_POSTGRES_PASSWORD"] = "validation-only";
        start.Environment["BEATORLEANS_RABBITMQ_PASSWORD"] = "validation-only";
        start.Environment["BEATORLEANS_S3_ACCESS_KEY"] = "validation-only";
        start.Environment["BEATORLEANS_S3_SECRET_KEY"] = "validation-only";
        start.Environment["BEATORLEANS_PAYMENTS"] = "simulated";
        if (unset is not null)
        {
            start.Environment.Remove(unset);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await errors);
    }

    [GeneratedRegex("public const string Name = \"([a-z]+)\";")]
    private static partial Regex DomainName();
}
