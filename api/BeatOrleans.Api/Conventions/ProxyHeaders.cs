using System.Net;
using BeatOrleans.Hosting.Startup;
using Microsoft.AspNetCore.HostFiltering;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace BeatOrleans.Api.Conventions;

/// <summary>
/// Section <c>ForwardedHeaders</c>: the reverse proxies or load balancers in front of this node. Off until one is named:
/// a client that talks to the node directly could otherwise pick its own address (and rate-limit budget) with a header.
/// </summary>
public sealed class ProxyHeaderOptions
{
    public const string Section = "ForwardedHeaders";

    /// <summary>Addresses of proxies whose <c>X-Forwarded-*</c> headers are believed, e.g. <c>10.0.0.5</c>.</summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>Networks of such proxies in CIDR form, e.g. <c>10.244.0.0/16</c> (a Kubernetes pod network).</summary>
    public string[] KnownNetworks { get; set; } = [];

    /// <summary>How many proxies in a row are unwound from <c>X-Forwarded-For</c> (a CDN in front of a load balancer is 2).</summary>
    public int ForwardLimit { get; set; } = 1;

    public bool Enabled => KnownProxies.Length > 0 || KnownNetworks.Length > 0;
}

public static class ProxyHeaders
{
    /// <summary>
    /// Behind a trusted proxy, the client's address (rate limits partition by it), scheme and host (absolute URLs start
    /// with them) come from <c>X-Forwarded-For</c>, <c>-Proto</c> and <c>-Host</c>. A forwarded host must be one that
    /// host filtering allows (<c>AllowedHosts</c>, plus the host of <c>PublicBaseUrl</c>), else it is not applied.
    /// </summary>
    public static WebApplicationBuilder AddProxyHeaders(this WebApplicationBuilder builder)
    {
        var settings = builder.Configuration.GetSection(ProxyHeaderOptions.Section).Get<ProxyHeaderOptions>() ?? new ProxyHeaderOptions();
        builder.Services.AddSingleton(Options.Create(settings));
        if (!settings.Enabled)
        {
            return builder;
        }

        var proxies = settings.KnownProxies
            .Select(p => IPAddress.TryParse(p.Trim(), out var address) ? address : throw Invalid("KnownProxies", p, "an IP address"))
            .ToList();
        var networks = settings.KnownNetworks
            .Select(n => System.Net.IPNetwork.TryParse(n.Trim(), out var network) ? network : throw Invalid("KnownNetworks", n, "a network in CIDR form"))
            .ToList();
        if (settings.ForwardLimit < 1)
        {
            throw new StartupSettingException($"{ProxyHeaderOptions.Section}:ForwardLimit must be at least 1.");
        }

        builder.Services.AddOptions<ForwardedHeadersOptions>()
            .Configure<IOptions<HostFilteringOptions>>((o, hosts) =>
            {
                o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
                o.ForwardLimit = settings.ForwardLimit;
                // Loopback stays trusted (the defaults): a proxy on the same machine or in the same pod.
                proxies.ForEach(o.KnownProxies.Add);
                networks.ForEach(o.KnownIPNetworks.Add);
                var allowed = hosts.Value.AllowedHosts;
                o.AllowedHosts = allowed.Contains("*") ? [] : [.. allowed];
            });
        return builder;
    }

    /// <summary>First in the pipeline, so everything after it sees the client, not the proxy.</summary>
    public static WebApplication UseProxyHeaders(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<ProxyHeaderOptions>>().Value.Enabled)
        {
            app.UseForwardedHeaders();
        }

        return app;
    }

    private static StartupSettingException Invalid(string setting, string text, string what) =>
        new($"{ProxyHeaderOptions.Section}:{setting} entry '{text}' is not {what}.");
}
