using System.Net;
using System.Net.Sockets;
using BeatOrleans.Api.Auth;

namespace BeatOrleans.Api.Catalog;

/// <summary>
/// Who a stream URL is for, as the beat counts plays (CatalogOptions.RepeatPlayWindow, MaxListenersPerAddress): the
/// listener is the signed-in user, else the client's address; the origin is the address (behind the configured
/// proxies, the forwarded one), an IPv6 address by its /64, since one subscriber holds a whole /64. Both travel in the
/// signed URL as keyed pseudonyms: the URL names neither the user nor the address, and neither can be changed.
/// </summary>
internal static class PlayListeners
{
    /// <summary>The listener of the beat's own producer: their plays of it are not counted.</summary>
    public const string Producer = "producer";

    public static (string Listener, string Origin) Of(HttpContext http, string producerId, SignedUrls signer)
    {
        var origin = signer.Pseudonym($"address\n{Network(http.Connection.RemoteIpAddress)}");
        if (http.User.Identity?.IsAuthenticated != true)
        {
            return (origin, origin);
        }

        var user = http.User.UserId();
        return (user == producerId ? Producer : signer.Pseudonym($"user\n{user}"), origin);
    }

    /// <summary>An IPv4 address as it is, an IPv6 one as its /64 network.</summary>
    public static string Network(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return $"{new IPAddress(bytes)}/64";
    }
}
