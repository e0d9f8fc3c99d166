using BeatOrleans.Api.Auth;
using BeatOrleans.Api.Chat;
using BeatOrleans.Api.Users;
using Microsoft.AspNetCore.SignalR;

namespace BeatOrleans.Api.RealTime;

/// <summary>
/// /hubs/marketplace: pushes ReceiveMessage and ReceiveNotification to the caller's connections; SendMessage (and
/// SendMessageWithKey) follow the rules of POST /api/chat/send and report a refusal as a HubException. A connection
/// closes when the session of its token ends.
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

    public Task<SentMessageResponse> SendMessage(string receiver, string message) => Send(receiver, message, null);

    /// <summary>
    /// SendMessage with an idempotency key, as POST /api/chat/send takes it in its header: a client that lost the
    /// answer (a dropped connection) calls again with the same key and gets the message the first call stored.
    /// </summary>
    public Task<SentMessageResponse> SendMessageWithKey(string receiver, string message, string idempotencyKey) =>
        Send(receiver, message, idempotencyKey ?? "");

    private async Task<SentMessageResponse> Send(string receiver, string message, string? idempotencyKey)
    {
        var outcome = await ChatSending.Send(
            grains, users, throttle, Context.User!.UserId(), receiver, message, idempotencyKey: idempotencyKey);
        // "Code: words", the code one of Invalid, NotTheSender, UnknownReceiver, ToYourself, TooMany, InvalidKey,
        // KeyReused (README, Real time); a TooMany says when to try again, as the REST answer's Retry-After does.
        var wait = outcome.RetryAfter is { } after
            ? FormattableString.Invariant($" Retry after {Refusals.RetryAfterSeconds(after)} s.")
            : "";
        return outcome.Sent ?? throw new HubException($"{outcome.Refusal}: {outcome.Detail}{wait}");
    }
}

/// <summary>SignalR addresses users by the token's subject, the user id.</summary>
internal sealed class SubjectUserIdProvider : IUserIdProvider
{
    public string? GetUserId(HubConnectionContext connection) => connection.User.FindFirst("sub")?.Value;
}
