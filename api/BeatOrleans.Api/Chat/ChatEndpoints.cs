using System.Globalization;
using BeatOrleans.Api.Auth;
using BeatOrleans.Api.Users;
using BeatOrleans.Contracts.Chat;
using Microsoft.AspNetCore.Mvc;

namespace BeatOrleans.Api.Chat;

public static class ChatEndpoints
{
    public static IEndpointRouteBuilder MapChatEndpoints(this IEndpointRouteBuilder app)
    {
        var chat = app.MapGroup("/api/chat").WithTags("Chat");
        chat.MapPost("/send", Send)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithName("SendMessage")
            .WithSummary("Send a message to another user (by username or user id; Idempotency-Key honoured).");
        chat.MapGet("/messages/{chat_id}", GetMessages).ProducesProblem(StatusCodes.Status403Forbidden)
            .WithName("GetMessages").WithSummary("A conversation's messages, oldest first; page back with 'before', forward with 'after'.");
        chat.MapPost("/messages/{chat_id}/read", MarkRead)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden)
            .WithName("MarkChatRead")
            .WithSummary("Mark a conversation read up to a message (its newest without one): its unread_count drops.");
        chat.MapGet("/history/{user_id}", GetHistory).ProducesProblem(StatusCodes.Status403Forbidden)
            .WithName("GetChatHistory").WithSummary("The caller's conversations, most recent first.");
        return app;
    }

    private static async Task<Results<Created<SentMessageResponse>, ValidationProblem, ProblemHttpResult>> Send(
        SendMessageRequest request, HttpContext http, IGrainFactory grains, UserDirectory users,
        MessageThrottle throttle, [FromHeader(Name = IdempotencyKeys.Header)] string? idempotencyKey)
    {
        var outcome = await ChatSending.Send(grains, users, throttle, http.User.UserId(),
            request.Receiver, request.Message, request.Sender, idempotencyKey);
        if (outcome.RetryAfter is { } wait)
        {
            http.Response.SetRetryAfter(wait);
        }

        return outcome.Refusal switch
        {
            SendRefusal.None => TypedResults.Created($"/api/chat/messages/{outcome.Sent!.ChatId}", outcome.Sent),
            SendRefusal.NotTheSender => Refusals.Forbidden(outcome.Detail!),
            SendRefusal.UnknownReceiver => Refusals.NotFound(outcome.Detail!),
            SendRefusal.TooMany => Refusals.TooManyRequests("Too many messages.", outcome.Detail),
            SendRefusal.InvalidKey => Refusals.Invalid(IdempotencyKeys.Header, outcome.Detail!),
            SendRefusal.KeyReused => Refusals.Problem(
                StatusCodes.Status422UnprocessableEntity, "Idempotency-Key reused.", outcome.Detail),
            _ => Refusals.Problem(StatusCodes.Status400BadRequest, "The message cannot be sent.", outcome.Detail),
        };
    }

    private static async Task<Results<Ok<MessagesResponse>, ValidationProblem, ProblemHttpResult>> GetMessages(
        string chat_id, int? limit, string? before, string? after, HttpContext http, IGrainFactory grains)
    {
        var errors = new FieldErrors();
        Paging.CheckLimit(limit, errors);
        long? beforeSequence = before is null ? null : ChatIds.Sequence(chat_id, before);
        if (before is not null && beforeSequence is null)
        {
            errors.Add("before", "before is a message_id of this chat.");
        }

        long? afterSequence = after is null ? null : ChatIds.Sequence(chat_id, after);
        if (after is not null && afterSequence is null)
        {
            errors.Add("after", "after is a message_id of this chat.");
        }

        if (before is not null && after is not null)
        {
            errors.Add("after", "Give before or after, not both.");
        }

        if (errors.Any)
        {
            return errors.Problem();
        }

        var page = EntityIds.IsValid(chat_id)
            ? await grains.GetGrain<IConversationGrain>(chat_id).GetMessages(
                http.User.UserId(), beforeSequence, afterSequence, limit ?? Paging.DefaultLimit)
            : null;
        if (page is null)
        {
            return Refusals.Forbidden("Only the participants of a chat can read it.");
        }

        var names = await grains.Usernames(page.Participants);
        var messages = page.Messages.Select(m => ToResponse(m, names)).ToList();
        // The cursors name the page's own ends; a page that is empty (nothing after the newest) names none.
        return TypedResults.Ok(new MessagesResponse(chat_id, messages,
            page.HasOlder && page.Messages.Count > 0 ? page.Messages[0].MessageId : null,
            page.HasNewer && page.Messages.Count > 0 ? page.Messages[^1].MessageId : null));
    }

    private static async Task<Results<Ok<ChatHistoryResponse>, ValidationProblem, ProblemHttpResult>> GetHistory(
        string user_id, int? limit, string? cursor, HttpContext http, IGrainFactory grains)
    {
        if (user_id != http.User.UserId())
        {
            return Refusals.Forbidden("You can only read your own chat history.");
        }

        if (TimeKeyCursor.Check(limit, cursor, EntityIds.IsValid, out var after) is { } invalid)
        {
            return invalid;
        }

        // Most recent first: a chat that moves to the front past a cursor is on the first page again. The list pages
        // itself, so a user with hundreds of chats sends one page across, not all of them.
        var page = await grains.GetGrain<IChatListGrain>(user_id)
            .GetChats(limit ?? Paging.DefaultLimit, after?.Time, after?.Key);
        var chats = page.Chats;
        var next = page.HasMore ? TimeKeyCursor.Write(chats[^1].LastMessage.SentAt, chats[^1].ChatId) : null;
        var names = await grains.Usernames(chats.SelectMany(c => c.Participants));
        return TypedResults.Ok(new ChatHistoryResponse(user_id,
            [.. chats.Select(c => new ChatResponse(
                c.ChatId, [.. c.Participants.Select(p => names[p])], ToResponse(c.LastMessage, names),
                c.UnreadBy(user_id)))], next));
    }

    private static async Task<Results<Ok<ChatReadResponse>, ValidationProblem, ProblemHttpResult>> MarkRead(
        string chat_id, MarkChatReadRequest? request, HttpContext http, IGrainFactory grains)
    {
        long? upTo = null;
        if (request?.MessageId is { } messageId)
        {
            upTo = ChatIds.Sequence(chat_id, messageId);
            if (upTo is null)
            {
                return Refusals.Invalid("message_id", "message_id is a message_id of this chat.");
            }
        }

        var read = EntityIds.IsValid(chat_id)
            ? await grains.GetGrain<IConversationGrain>(chat_id).MarkRead(http.User.UserId(), upTo)
            : null;
        if (read is null)
        {
            return Refusals.Forbidden("Only the participants of a chat can read it.");
        }

        return TypedResults.Ok(new ChatReadResponse(chat_id,
            read.ReadUpTo >= 0 ? ChatIds.MessageId(chat_id, read.ReadUpTo) : null, read.Unread));
    }

    private static MessageResponse ToResponse(ChatMessage m, Dictionary<string, string> names) =>
        new(m.MessageId, names.GetValueOrDefault(m.SenderId, m.SenderId), m.Content, m.SentAt, m.Kind, Purchasing.OfferCardResponse.From(m.Offer));
}
