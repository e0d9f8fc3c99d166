using BeatOrleans.Api.Auth;
using BeatOrleans.Api.Telemetry;
using BeatOrleans.Api.Users;
using BeatOrleans.Contracts.Chat;

namespace BeatOrleans.Api.Chat;

/// <summary>Why a message was refused, as the contract answers it.</summary>
public enum SendRefusal
{
    None,
    Invalid,
    NotTheSender,
    UnknownReceiver,
    ToYourself,
    TooMany,
    InvalidKey,
    KeyReused,
}

public sealed record SendOutcome(SendRefusal Refusal, string? Detail, SentMessageResponse? Sent, TimeSpan? RetryAfter = null);

/// <summary>
/// The rules of sending a message, shared by POST /api/chat/send and the hub's SendMessage and SendMessageWithKey.
/// With an idempotency key, a repeat (a retry after a lost answer, from any API node) answers the message the key
/// first stored, and sends nothing; the same key with another text is refused. Keys are the sender's own, per
/// conversation.
/// </summary>
public static class ChatSending
{
    public const int MaxMessageLength = 4000;

    public static async Task<SendOutcome> Send(
        IGrainFactory grains, UserDirectory users, MessageThrottle throttle, string callerId, string? receiver,
        string? content, string? claimedSender = null, string? idempotencyKey = null)
    {
        if (throttle.TryTake(callerId) is { } wait)
        {
            return new SendOutcome(SendRefusal.TooMany, "Too many messages; wait before sending more.", null, wait);
        }

        // Zero-width spaces or a byte-order mark alone read as an empty message wherever it is shown.
        if (string.IsNullOrWhiteSpace(content) || content.Length > MaxMessageLength || !PlainText.IsVisible(content))
        {
            return new SendOutcome(SendRefusal.Invalid, $"A message has 1 to {MaxMessageLength} characters.", null);
        }

        if (!PlainText.IsPlain(content, multiline: true))
        {
            // Line breaks and tabs are text; NULs, escape sequences and bidirectional overrides only disguise it.
            return new SendOutcome(SendRefusal.Invalid, $"A message {PlainText.Rule}.", null);
        }

        if (idempotencyKey is not null && !IdempotencyKeys.IsValid(idempotencyKey))
        {
            return new SendOutcome(SendRefusal.InvalidKey, IdempotencyKeys.Rule, null);
        }

        if (string.IsNullOrWhiteSpace(receiver))
        {
            return new SendOutcome(SendRefusal.Invalid, "A receiver (username or user id) is required.", null);
        }

        var sender = await users.Get(callerId)
            ?? throw new InvalidOperationException("The caller's account no longer exists.");
        if (claimedSender is not null && claimedSender != sender.UserId && !claimedSender.Equals(sender.Username, StringComparison.OrdinalIgnoreCase))
        {
            return new SendOutcome(SendRefusal.NotTheSender, "You can only send messages as yourself.", null);
        }

        var to = await users.Find(receiver);
        if (to is null)
        {
            return new SendOutcome(SendRefusal.UnknownReceiver, "No user has this username or id.", null);
        }

        if (to.UserId == sender.UserId)
        {
            return new SendOutcome(SendRefusal.ToYourself, "You cannot send a message to yourself.", null);
        }

        var chatId = ChatIds.For(sender.UserId, to.UserId);
        // A client's keys live apart from the offer grain's ("offer:..."): no key a client sends can stand for an
        // offer card that was never posted.
        var key = idempotencyKey is null ? null : $"client:{idempotencyKey}";
        var message = await grains.GetGrain<IConversationGrain>(chatId)
            .Send(new Outgoing(sender.UserId, sender.Username, to.UserId, content, Key: key));
        if (message.Content != content || message.Offer is not null)
        {
            return new SendOutcome(SendRefusal.KeyReused,
                "This Idempotency-Key already sent another message in this chat; use a new key for a new message.",
                null);
        }

        ApiMetrics.MessageSent();
        return new SendOutcome(SendRefusal.None, null,
            new SentMessageResponse(chatId, message.MessageId, sender.Username, to.Username, message.Content, message.SentAt));
    }
}
