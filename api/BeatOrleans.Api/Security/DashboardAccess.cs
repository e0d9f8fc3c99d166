using System.Net;
using BeatOrleans.Api.Auth;
using BeatOrleans.Api.Orleans;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace BeatOrleans.Api.Security;

/// <summary>
/// Who may open the Orleans dashboard, whose live log and grain views must not be public: an operator (Basic login),
/// or anyone while this node listens on loopback addresses only (the embedded profile's default, where only the
/// machine's own user can reach it). A cluster API node always asks for the login: it is meant to be reached from a
/// network, and a proxy on the same machine would make every visitor look local.
/// </summary>
internal sealed class DashboardAccessRequirement : IAuthorizationRequirement;

internal sealed class DashboardAccessHandler(IServer server, OrleansMode mode) : AuthorizationHandler<DashboardAccessRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, DashboardAccessRequirement requirement)
    {
        if (context.User.IsInRole("operator") || (mode.Name != OrleansMode.Cluster && ListensOnLoopbackOnly()))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }

    private bool ListensOnLoopbackOnly()
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses;
        return addresses is { Count: > 0 } && addresses.All(IsLoopback);
    }

    internal static bool IsLoopback(string address)
    {
        // Kestrel reports what it bound: "http://127.0.0.1:5080", "http://[::1]:5080", "http://localhost:5080",
        // or a wildcard ("http://[::]:80", "http://0.0.0.0:80", "http://*:80", "http://+:80") that is not loopback.
        var start = address.IndexOf("://", StringComparison.Ordinal);
        var host = start < 0 ? address : address[(start + 3)..];
        var end = host.StartsWith('[') ? host.IndexOf(']', StringComparison.Ordinal) + 1 : host.IndexOf(':', StringComparison.Ordinal);
        host = end > 0 ? host[..end] : host.TrimEnd('/');
        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
    }
}

public static class DashboardAccess
{
    public const string Policy = "dashboard";

    public static AuthorizationBuilder AddDashboardAccess(this AuthorizationBuilder authorization)
    {
        authorization.Services.AddSingleton<IAuthorizationHandler, DashboardAccessHandler>();
        return authorization.AddPolicy(Policy, policy => policy
            .AddAuthenticationSchemes(OperatorAuthenticationHandler.SchemeName)
            .AddRequirements(new DashboardAccessRequirement()));
    }
}
