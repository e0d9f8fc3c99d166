using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using BeatOrleans.Testing;

namespace BeatOrleans.Api.Tests.Architecture;

/// <summary>
/// The API is the edge: it talks to grains through their interfaces (BeatOrleans.Contracts) alone. It references the
/// grains projects only for the embedded profile's co-hosted silo (through BeatOrleans.Hosting), so the compiler would
/// let endpoint code use a grain class; this test reads the compiled API and refuses it.
/// </summary>
public sealed class DependencyRulesTests
{
    /// <summary>The blob stores and media formats the catalog silos use are the API's too (uploads, previews, downloads).</summary>
    private static readonly HashSet<string> Shared = ["BeatOrleans.Catalog.Files"];

    /// <summary>Composition, not endpoint code: the embedded profile's readiness check of the broker (Health/HealthExtensions.cs).</summary>
    private static readonly HashSet<string> Composition = ["BeatOrleans.Messaging.MessagingServiceCollectionExtensions"];

    [Fact]
    public void The_API_uses_no_grain_class_and_nothing_else_of_a_grains_project()
    {
        var grainsProjects = Directory.GetFiles(Path.Combine(TestServers.RepositoryRoot, "grains"), "*.csproj", SearchOption.AllDirectories)
            .Select(Path.GetFileNameWithoutExtension).OfType<string>().Except(Shared).ToHashSet();
        var used = TypesUsedBy(typeof(Program).Assembly.Location);

        // The reading works: the API's own uses of grain interfaces and of the shared files project are seen.
        Assert.Contains(used, t => t.Assembly == "BeatOrleans.Contracts" && t.Name == "BeatOrleans.Contracts.Catalog.IBeatGrain");
        Assert.Contains(used, t => t.Assembly == "BeatOrleans.Catalog.Files");
        Assert.Contains("BeatOrleans.Catalog", grainsProjects);

        var grains = used.Where(t => Type.GetType($"{t.Name}, {t.Assembly}") is { } type && typeof(IGrainBase).IsAssignableFrom(type))
            .Select(t => t.Name).Order().ToList();
        Assert.True(grains.Count == 0, $"The API uses grain classes (call them through their interfaces): {string.Join(", ", grains)}");

        var other = used.Where(t => grainsProjects.Contains(t.Assembly) && !Composition.Contains(t.Name))
            .Select(t => $"{t.Name} ({t.Assembly})").Order().ToList();
        Assert.True(other.Count == 0, $"The API uses types of grains projects: {string.Join(", ", other)}");
    }

    /// <summary>Every type the assembly's code names (signatures, bodies, attributes), with the assembly it comes from.</summary>
    private static List<(string Assembly, string Name)> TypesUsedBy(string path)
    {
        using var pe = new PEReader(File.OpenRead(path));
        var metadata = pe.GetMetadataReader();
        var used = new List<(string, string)>();
        foreach (var handle in metadata.TypeReferences)
        {
            var type = metadata.GetTypeReference(handle);
            var name = $"{metadata.GetString(type.Namespace)}.{metadata.GetString(type.Name)}".TrimStart('.');
            // A nested type's scope is its declaring type; the assembly is that of the outermost one.
            var scope = type.ResolutionScope;
            while (scope.Kind == HandleKind.TypeReference)
            {
                var outer = metadata.GetTypeReference((TypeReferenceHandle)scope);
                name = $"{metadata.GetString(outer.Namespace)}.{metadata.GetString(outer.Name)}+{name}".TrimStart('.');
                scope = outer.ResolutionScope;
            }

            if (scope.Kind == HandleKind.AssemblyReference)
            {
                used.Add((metadata.GetString(metadata.GetAssemblyReference((AssemblyReferenceHandle)scope).Name), name));
            }
        }

        return used;
    }
}
