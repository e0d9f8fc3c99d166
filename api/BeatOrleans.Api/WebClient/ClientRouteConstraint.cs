namespace BeatOrleans.Api.WebClient;

/// <summary>A path the web client routes itself: anything outside the prefixes the API and its tools own.</summary>
public sealed class ClientRouteConstraint : IRouteConstraint
{
    public const string Name = "clientroute";

    private static readonly string[] ServerPrefixes = ["api", "hubs", "ws", "scalar", "openapi", "dashboard", "health", "metrics"];

    public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection)
    {
        if (!values.TryGetValue(routeKey, out var value) || value is not string path || path.Length == 0)
        {
            return true;
        }

        // The first segment as a server would read it: "//api/x" (a client's base URL ending in '/'), "/api%2Fx" and
        // "/api;x/y" are API paths that must get the API's 404, not the web page.
        var first = Uri.UnescapeDataString(path).Split(['/', ';'], StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault() ?? "";
        return !ServerPrefixes.Any(p => first.Equals(p, StringComparison.OrdinalIgnoreCase));
    }
}
