using BeatOrleans.Contracts.Users;

namespace BeatOrleans.Users;

/// <summary>The API nodes' registrations, stored so a restarted users silo (or an idle deactivation) loses none.</summary>
[GenerateSerializer, Alias("users.NodeCachesState")]
public sealed class NodeCachesState
{
    [Id(0)] public List<NodeRegistration> Nodes { get; set; } = [];
}

[GenerateSerializer, Alias("users.NodeRegistration")]
public sealed class NodeRegistration
{
    [Id(0)] public INodeCacheObserver Node { get; set; } = null!;

    [Id(1)] public DateTimeOffset RefreshedAt { get; set; }
}
