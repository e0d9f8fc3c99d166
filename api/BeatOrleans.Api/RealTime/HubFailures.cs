using Microsoft.AspNetCore.SignalR;

namespace BeatOrleans.Api.RealTime;

/// <summary>
/// Where hub invocation failures are logged. SignalR's dispatcher logs every exception a hub method throws at Error,
/// with its stack trace, including the <see cref="HubException"/> that reports a client's own mistake (an unknown
/// receiver, an empty message), so any user could fill the error log and trip error-rate alerts. Its category is
/// therefore held to Critical (<see cref="DispatcherCategory"/>), and this filter logs instead: a refusal at Debug, any
/// other failure at Error as before.
/// </summary>
internal sealed partial class HubFailures(ILogger<HubFailures> logger) : IHubFilter
{
    public const string DispatcherCategory = "Microsoft.AspNetCore.SignalR.Internal.DefaultHubDispatcher";

    public async ValueTask<object?> InvokeMethodAsync(
        HubInvocationContext invocation, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try
        {
            return await next(invocation);
        }
        catch (HubException refusal)
        {
            LogRefused(logger, invocation.HubMethodName, refusal.Message);
            throw;
        }
        catch (Exception exception)
        {
            LogFailed(logger, exception, invocation.HubMethodName);
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Hub method {Method} refused the call: {Reason}")]
    private static partial void LogRefused(ILogger logger, string method, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Hub method {Method} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string method);
}
