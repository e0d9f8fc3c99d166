using BeatOrleans.Api.Purchasing;
using Microsoft.OpenApi;

namespace BeatOrleans.Api.OpenApi;

/// <summary>Bounds of the path, query and header parameters, as the endpoints check them.</summary>
internal static class Parameters
{
    private static readonly Dictionary<string, Action<OpenApiSchema>> ByName = new()
    {
        ["beat_id"] = WireSchemas.Text(32, 32, WireSchemas.HexId),
        ["purchase_id"] = WireSchemas.Text(32, 32, WireSchemas.HexId),
        ["chat_id"] = WireSchemas.Text(32, 32, WireSchemas.HexId),
        ["upload_id"] = WireSchemas.Text(32, 32, WireSchemas.HexId),
        ["play"] = WireSchemas.Text(32, 32, WireSchemas.HexId),
        ["listener"] = WireSchemas.Text(22, 8, "^(producer|[A-Za-z0-9_-]{22})$"),
        ["origin"] = WireSchemas.Text(22, 22, "^[A-Za-z0-9_-]{22}$"),
        ["user"] = WireSchemas.Text(32, 32, WireSchemas.HexId),
        ["user_id"] = WireSchemas.Text(64, 1),
        ["producer_id"] = WireSchemas.Text(32, 32, WireSchemas.HexId),
        ["file"] = NamedEnums.Named("DownloadFileName", ["mp3", "wav", "stems", LicenseAgreement.FileName]),
        ["cover_file"] = WireSchemas.Text(42, 42, @"^[0-9a-f]{32}-(large|small)\.jpg$"),
        ["offer_id"] = WireSchemas.Text(32, 32, WireSchemas.HexId),
        ["code"] = WireSchemas.Text(Contracts.Purchasing.CouponCodes.MaxLength, 3, "^[A-Za-z0-9_-]{3,32}$"),
        ["limit"] = WireSchemas.Int(1, Paging.MaxLimit),
        ["cursor"] = WireSchemas.Text(WireSchemas.MaxCursorLength, 1),
        ["q"] = WireSchemas.Text(200),
        ["genre"] = WireSchemas.Text(Catalog.BeatFields.MaxGenreLength),
        ["key"] = WireSchemas.Text(Catalog.BeatFields.MaxKeyLength),
        ["bpm_min"] = WireSchemas.Number(0, null),
        ["bpm_max"] = WireSchemas.Number(0, null),
        ["price_max"] = WireSchemas.Number(0, null),
        ["sort"] = NamedEnums.Named("BeatSort", ["newest", "price_asc", "price_desc", "popular"]),
        ["before"] = WireSchemas.Text(52, 34, WireSchemas.MessageId),
        ["after"] = WireSchemas.Text(52, 34, WireSchemas.MessageId),
        ["status"] = NamedEnums.Named("NotificationFilter", ["unread", "all"]),
        ["exp"] = WireSchemas.Text(19, 1, "^[0-9]{1,19}$"),
        ["sig"] = WireSchemas.Text(64, 1, "^[A-Za-z0-9_-]+$"),
        ["Idempotency-Key"] = WireSchemas.Text(IdempotencyKeys.MaxLength, 1, "^[!-~]+$"),
        ["If-Match"] = WireSchemas.Text(1024, 1),
    };

    private static readonly Dictionary<string, string> Descriptions = new()
    {
        ["limit"] = "Page size, 1 to 100 (default 20).",
        ["cursor"] = "The next_cursor of the previous page.",
        ["Idempotency-Key"] = "Repeat a request with the same key and body to get the first answer again; another body "
            + "answers 422. A chat message's key is the sender's own within one chat: under another receiver it is a "
            + "new message.",
        ["If-Match"] = "The ETag of the beat as you read it (GET /api/beats/{beat_id}), or *: the edit applies only "
            + "while the beat's details are still that version, else 412. Without it the edit applies to whatever is "
            + "there.",
        ["cover_file"] = "The last part of a beat's cover_url (large) or cover_thumbnail_url (small).",
        ["exp"] = "Expiry of the signed URL (Unix seconds).",
        ["sig"] = "Signature of the signed URL.",
        ["listener"] = "Who the stream URL was given to, as a pseudonym: their plays of the beat count once an hour.",
        ["origin"] = "The address the stream URL was given to, as a pseudonym: 10 listeners' plays from one count.",
        ["q"] = "Full-text search over title, artist, genre and tags.",
    };

    public static void Bound(OpenApiOperation operation)
    {
        foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
        {
            if (parameter.Name is { } name && ByName.TryGetValue(name, out var rule) && parameter.Schema is { } schema)
            {
                var bounded = WireSchemas.Copy(schema);
                rule(bounded);
                parameter.Schema = bounded;
                parameter.Description ??= Descriptions.GetValueOrDefault(name);
            }
        }

        if (operation.OperationId == "StripeWebhook")
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = Purchasing.StripeWebhook.SignatureHeader,
                In = ParameterLocation.Header,
                Required = true,
                Description = "Stripe's signature of the body (t=...,v1=...), checked with Payments:Stripe:WebhookSecret.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 1024 },
            });
        }
    }
}
