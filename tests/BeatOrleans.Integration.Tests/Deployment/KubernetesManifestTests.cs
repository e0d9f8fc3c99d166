using System.Text.RegularExpressions;
using k8s;
using k8s.Models;

namespace BeatOrleans.Integration.Tests.Deployment;

/// <summary>
/// deploy/kubernetes checked offline: every manifest reads strictly against the Kubernetes API's types (an unknown or
/// misplaced field fails), and the deployment keeps the promises the code depends on: a silo Deployment per domain
/// advertising its pod IP, probes on the health endpoints, a grace period longer than the graceful stop, disruption
/// budgets that select what they protect, and only settings the code reads.
/// </summary>
public sealed partial class KubernetesManifestTests
{
    private static readonly string Root = Path.Combine(TestServers.RepositoryRoot, "deploy", "kubernetes");

    public static TheoryData<string> Manifests() =>
    [
        .. Directory.EnumerateFiles(Root, "*.yaml", SearchOption.AllDirectories)
            .Where(file => Path.GetFileName(file) != "kustomization.yaml")
            .Select(file => Path.GetRelativePath(Root, file)),
    ];

    [Theory]
    [MemberData(nameof(Manifests))]
    public void Each_manifest_reads_strictly_against_the_kubernetes_schema(string manifest)
    {
        var objects = KubernetesYaml.LoadAllFromString(File.ReadAllText(Path.Combine(Root, manifest)), strict: true);

        Assert.NotEmpty(objects);
        Assert.All(objects, o => Assert.False(string.IsNullOrEmpty(((IKubernetesObject<V1ObjectMeta>)o).Metadata?.Name), $"an object in {manifest} has no name"));
    }

    [Theory]
    [InlineData("base")]
    [InlineData("local")]
    public void Each_kustomization_names_files_that_exist(string overlay)
    {
        var kustomization = File.ReadAllText(Path.Combine(Root, overlay, "kustomization.yaml"));
        var listed = ListItems().Matches(kustomization).Select(m => m.Groups[1].Value.Trim()).Where(item => !item.StartsWith("name:", StringComparison.Ordinal)).ToList();

        Assert.NotEmpty(listed);
        Assert.All(listed, item => Assert.True(File.Exists(Path.Combine(Root, overlay, item)) || Directory.Exists(Path.Combine(Root, overlay, item)), $"{overlay}/kustomization.yaml lists {item}, which does not exist"));
    }

    [Fact]
    public void Every_domain_has_a_silo_deployment_that_advertises_its_pod_ip_and_leaves_within_its_grace_period()
    {
        var domains = Directory.EnumerateFiles(Path.Combine(TestServers.RepositoryRoot, "grains"), "*Domain.cs", SearchOption.AllDirectories)
            .SelectMany(file => DomainName().Matches(File.ReadAllText(file)).Select(m => m.Groups[1].Value))
            .ToHashSet();
        var silos = Base<V1Deployment>().Where(d => d.Metadata.Name.StartsWith("silo-", StringComparison.Ordinal)).ToList();

        Assert.Equal(domains.Order(), silos.Select(s => s.Metadata.Name["silo-".Length..]).Order());
        foreach (var silo in silos)
        {
            var container = Assert.Single(silo.Spec.Template.Spec.Containers);
            Assert.Equal(silo.Metadata.Name["silo-".Length..], Env(container, "Silo__Domains"));
            Assert.Equal("status.podIP", container.Env.Single(e => e.Name == "Silo__AdvertisedAddress").ValueFrom.FieldRef.FieldPath);
            Assert.True(silo.Spec.Template.Spec.TerminationGracePeriodSeconds > ShutdownTimeoutSeconds(), $"{silo.Metadata.Name} is killed before its graceful stop can end");
            Assert.Equal("0", silo.Spec.Strategy.RollingUpdate.MaxUnavailable.Value); // a new silo joins before an old one leaves
            AssertProbes(container, hostHeader: null);
        }
    }

    [Fact]
    public void The_api_probes_name_an_allowed_host_and_its_grace_period_covers_drain_and_shutdown()
    {
        var api = Base<V1Deployment>().Single(d => d.Metadata.Name == "api");
        var container = Assert.Single(api.Spec.Template.Spec.Containers);

        var allowed = Env(container, "AllowedHosts")!.Split(';');
        AssertProbes(container, hostHeader: host => Assert.Contains(host, allowed));
        var drain = TimeSpan.Parse(Env(container, "Shutdown__DrainDelay")!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(drain > TimeSpan.Zero, "the API stops taking requests before load balancers drop it");
        Assert.True(api.Spec.Template.Spec.TerminationGracePeriodSeconds > ShutdownTimeoutSeconds(), "the API is killed before its graceful stop can end");
        Assert.True(api.Spec.Replicas >= 2);
        Assert.Contains(Base<V1Service>(), s => s.Metadata.Name == "api" && s.Spec.Selector.All(l => api.Spec.Template.Metadata.Labels[l.Key] == l.Value));
        var ingress = Assert.Single(Base<V1Ingress>());
        Assert.Equal("api", ingress.Spec.Rules.Single().Http.Paths.Single().Backend.Service.Name);
    }

    [Fact]
    public void Each_deployment_of_the_base_has_a_disruption_budget_that_selects_it()
    {
        var budgets = Base<V1PodDisruptionBudget>();
        foreach (var deployment in Base<V1Deployment>())
        {
            var labels = deployment.Spec.Template.Metadata.Labels;
            Assert.True(
                budgets.Count(b => b.Spec.Selector.MatchLabels.All(l => labels.TryGetValue(l.Key, out var value) && value == l.Value)) == 1,
                $"{deployment.Metadata.Name} has no disruption budget of its own");
            Assert.True(deployment.Spec.Replicas >= 2, $"{deployment.Metadata.Name}: one replica and a budget would block every node drain");
        }
    }

    [Fact]
    public void Every_setting_given_to_a_beatorleans_pod_is_read_by_the_code()
    {
        var config = Base<V1ConfigMap>().Single(c => c.Metadata.Name == "beatorleans-config");
        var secret = KubernetesYaml.LoadAllFromString(File.ReadAllText(Path.Combine(Root, "base", "secret.example.yaml")), strict: true).OfType<V1Secret>().Single();
        var settings = config.Data.Keys
            .Concat(secret.StringData.Keys)
            .Concat(Base<V1Deployment>().SelectMany(d => d.Spec.Template.Spec.Containers).SelectMany(c => c.Env ?? []).Select(e => e.Name))
            .Distinct();

        var unread = settings.Where(setting => !SettingsInCode.IsRead(setting)).ToList();

        Assert.True(unread.Count == 0, $"settings no code reads: {string.Join(", ", unread)}");
        Assert.All(Base<V1Deployment>().SelectMany(d => d.Spec.Template.Spec.Containers).SelectMany(c => c.EnvFrom),
            from => Assert.True(from.ConfigMapRef?.Name == config.Metadata.Name || from.SecretRef?.Name == secret.Metadata.Name));
    }

    /// <summary>Startup and readiness on /health/ready, liveness on /health/live, all on a port the container declares.</summary>
    private static void AssertProbes(V1Container container, Action<string>? hostHeader)
    {
        foreach (var (probe, path) in new[] { (container.StartupProbe, "/health/ready"), (container.ReadinessProbe, "/health/ready"), (container.LivenessProbe, "/health/live") })
        {
            Assert.NotNull(probe);
            Assert.Equal(path, probe.HttpGet.Path);
            Assert.Contains(container.Ports, p => p.Name == probe.HttpGet.Port.Value);
            if (hostHeader is not null)
            {
                hostHeader(probe.HttpGet.HttpHeaders.Single(h => h.Name == "Host").Value);
            }
        }
    }

    private static string? Env(V1Container container, string name) => container.Env.SingleOrDefault(e => e.Name == name)?.Value;

    private static double ShutdownTimeoutSeconds() =>
        TimeSpan.Parse(Base<V1ConfigMap>().Single().Data["Shutdown__Timeout"], System.Globalization.CultureInfo.InvariantCulture).TotalSeconds;

    private static List<T> Base<T>() =>
    [
        .. Directory.EnumerateFiles(Path.Combine(Root, "base"), "*.yaml")
            .Where(file => Path.GetFileName(file) is not ("kustomization.yaml" or "secret.example.yaml"))
            .SelectMany(file => KubernetesYaml.LoadAllFromString(File.ReadAllText(file), strict: true))
            .OfType<T>(),
    ];

    [GeneratedRegex(@"^\s+-\s+([^#\n]+)$", RegexOptions.Multiline)]
    private static partial Regex ListItems();

    [GeneratedRegex("public const string Name = \"([a-z]+)\";")]
    private static partial Regex DomainName();
}
