using BeatOrleans.Api.Auth;
using BeatOrleans.Api.Chat;
using BeatOrleans.Api.Users;
using Microsoft.AspNetCore.SignalR;

namespace BeatOrleans.Api.RealTime;

/// <summary>
/// /hubs/marketplace: pushes ReceiveMessage and ReceiveNotification to the caller's connections; SendMessage follows
/// the rules of POST /api/chat/send and reports a refusal as a HubException. A connection closes when the session of
/// its token ends.
/// </summary>
public sealed class MarketplaceHub(PushRelay relay, IGrainFactory grains, UserDirectory users, MessageThrottle throttle) : Hub
{
    public override async Task OnConnectedAsync()
    {
        var link = new HubLink(Context);
        if (!await relay.Connected(Context.User!.UserId(), link))
        {
            // Another connection took the last place since the check before the upgrade: this one ends at once.
            Context.Abort();
            return;
        }

        Context.Items[typeof(HubLink)] = link;
        await base.OnConnectedAsync();
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        if (Context.Items.TryGetValue(typeof(HubLink), out var link))
        {
            await relay.Disconnected(Context.User!.UserId(), (HubLink)link!);
        }

        await base.OnDisconnectedAsync(exception);
    }

    public async Task<SentMessageResponse> SendMessage(string receiver, string message)
    {
        var outcome = await ChatSending.Send(grains, users, throttle, Context.User!.UserId(), receiver, message);
        // "Code: words", the code one of Invalid, NotTheSender, UnknownReceiver, ToYourself, TooMany (README, Real
        // time); a TooMany says when to try again, as the REST answer's Retry-After does.
        var wait = outcome.RetryAfter is { } after
            ? FormattableString.Invariant($" Retry after {Math.Max(1, (int)Math.Ceiling(after.TotalSeconds))} s.")
            : "";
        return outcome.Sent ?? throw new HubException($"{outcome.Refusal}: {outcome.Detail}{wait}");
    }
}

/// <summary>SignalR addresses users by the token's subject, the user id.</summary>
internal sealed class SubjectUserIdProvider : IUserIdProvider
{
    public string? GetUserId(HubConnectionContext connection) => connection.User.FindFirst("sub")?.Value;
}
