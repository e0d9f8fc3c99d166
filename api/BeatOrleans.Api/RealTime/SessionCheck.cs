using BeatOrleans.Contracts.Users;

namespace BeatOrleans.Api.RealTime;

/// <summary>Whether the session a live connection was opened with still holds, as its session grain says.</summary>
internal enum SessionVerdict
{
    Open,
    Over,
    Unknown,
}

/// <summary>
/// The one question both the relay (once, when a connection registers) and <see cref="SessionWatch"/> (periodically)
/// ask about a live connection's session.
/// </summary>
internal static partial class SessionCheck
{
    /// <summary>
    /// Open while the session is active for <paramref name="userId"/>; Unknown (logged) when the grain cannot answer.
    /// </summary>
    public static async Task<SessionVerdict> Of(IGrainFactory grains, string userId, string sessionId, ILogger logger)
    {
        try
        {
            return await grains.GetGrain<ISessionGrain>(sessionId).GetActiveUser() == userId
                ? SessionVerdict.Open
                : SessionVerdict.Over;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            LogSessionUncheckable(logger, exception);
            return SessionVerdict.Unknown;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The session of a live connection could not be checked")]
    private static partial void LogSessionUncheckable(ILogger logger, Exception exception);
}
