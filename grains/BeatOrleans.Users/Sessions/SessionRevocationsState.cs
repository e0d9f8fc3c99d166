using BeatOrleans.Contracts.Users;

namespace BeatOrleans.Users.Sessions;

/// <summary>The API nodes' registrations, stored so a restarted users silo (or an idle deactivation) loses none.</summary>
[GenerateSerializer, Alias("users.SessionRevocationsState")]
public sealed class SessionRevocationsState
{
    [Id(0)] public List<NodeRegistration> Nodes { get; set; } = [];
}

[GenerateSerializer, Alias("users.NodeRegistration")]
public sealed class NodeRegistration
{
    [Id(0)] public ISessionRevocationObserver Node { get; set; } = null!;

    [Id(1)] public DateTimeOffset RefreshedAt { get; set; }
}
