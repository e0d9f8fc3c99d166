using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace BeatOrleans.Api.Auth;

/// <summary>
/// The deny-by-default fallback policy also covers requests that matched no endpoint, or only routing's own
/// 405/415 endpoints. Those owe the client a 404, 405 or 415 (nothing is disclosed by saying a path does
/// not exist), so they pass on to routing's answer instead of a 401.
/// </summary>
internal sealed class RoutingAnswersFirst : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler inner = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (!authorizeResult.Succeeded && IsRoutingAnswer(context.GetEndpoint()))
        {
            return next(context);
        }

        return inner.HandleAsync(next, context, policy, authorizeResult);
    }

    private static bool IsRoutingAnswer(Endpoint? endpoint) =>
        endpoint is null
        || endpoint.DisplayName is "405 HTTP Method Not Supported" or "415 HTTP Unsupported Media Type";
}
