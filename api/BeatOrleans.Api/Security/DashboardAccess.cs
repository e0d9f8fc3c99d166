using System.Net;
using BeatOrleans.Api.Auth;
using BeatOrleans.Api.Conventions;
using BeatOrleans.Api.Orleans;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace BeatOrleans.Api.Security;

/// <summary>
/// Who may open the Orleans dashboard, whose live log and grain views must not be public: an operator (Basic login),
/// or anyone while this node listens on loopback addresses only and is not published (the embedded profile's default,
/// where only the machine's own user can reach it). A cluster API node always asks for the login: it is meant to be
/// reached from a network. So does a node with a public address (<c>PublicBaseUrl</c>) or trusted proxies
/// (<c>ForwardedHeaders</c>): a proxy on the same machine would make every visitor look local. And the request itself
/// must come from loopback, as the forwarded address says where a proxy is trusted.
/// </summary>
internal sealed class DashboardAccessRequirement : IAuthorizationRequirement;

internal sealed class DashboardAccessHandler(
    IServer server, OrleansMode mode, IOptions<ProxyHeaderOptions> proxies, IOptions<PublicUrlOptions> urls)
    : AuthorizationHandler<DashboardAccessRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, DashboardAccessRequirement requirement)
    {
        if (context.User.IsInRole("operator") || OpenOnThisMachine(context.Resource as HttpContext))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }

    private bool OpenOnThisMachine(HttpContext? http) =>
        mode.Name != OrleansMode.Cluster && !proxies.Value.Enabled && urls.Value.PublicBaseUrl is null
        && ListensOnLoopbackOnly() && http?.Connection.RemoteIpAddress is { } client
        && IPAddress.IsLoopback(client.IsIPv4MappedToIPv6 ? client.MapToIPv4() : client);

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
