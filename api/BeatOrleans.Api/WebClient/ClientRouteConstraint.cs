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

        var first = path.Split('/', 2)[0];
        return !ServerPrefixes.Any(p => first.Equals(p, StringComparison.OrdinalIgnoreCase));
    }
}
