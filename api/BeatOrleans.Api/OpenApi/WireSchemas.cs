using System.Globalization;
using System.Text.Json.Nodes;
using BeatOrleans.Api.Catalog;
using BeatOrleans.Api.Chat;
using BeatOrleans.Api.Purchasing;
using BeatOrleans.Contracts.Chat;
using BeatOrleans.Api.Users;
using BeatOrleans.Catalog.Files.Formats;
using BeatOrleans.Contracts.Catalog;
using BeatOrleans.Contracts.Notifications;
using BeatOrleans.Contracts.Purchasing;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace BeatOrleans.Api.OpenApi;

/// <summary>
/// What the framework cannot see in the wire records: the lengths, ranges, patterns and closed sets the endpoints
/// check (requests) or guarantee (answers), and which request fields are required. One table, by wire name; a field
/// the table does not know is left as the framework wrote it, and the lint (scripts/lint-openapi.sh) then fails on
/// its missing bound, so a new field cannot slip in unbounded.
/// </summary>
internal sealed class WireSchemas : IOpenApiDocumentTransformer
{
    public const string HexId = "^[0-9a-f]{32}$";
    public const string MessageId = "^[0-9a-f]{32}\\.[0-9]{1,19}$";
    public const string Username = "^[A-Za-z0-9_.-]{3,32}$";
    public const int MaxUrlLength = 2048;
    public const int MaxCursorLength = 256;
    public const int MaxProblemTextLength = Problems.ProblemsExtensions.MaxDetailLength;

    private static readonly string[] DeliverableNames = [Deliverables.Mp3, Deliverables.Wav, Deliverables.Stems];

    /// <summary>Fields by wire name, wherever they appear.</summary>
    private static readonly Dictionary<string, Action<OpenApiSchema>> ByName = new()
    {
        ["beat_id"] = Id, ["producer_id"] = Id, ["user_id"] = Id, ["buyer_id"] = Id, ["purchase_id"] = Id, ["chat_id"] = Id,
        ["notification_id"] = Id, ["upload_id"] = Id,
        ["message_id"] = Text(52, 34, MessageId), ["next_before"] = Text(52, 34, MessageId), ["next_after"] = Text(52, 34, MessageId),
        ["last_read_message_id"] = Text(52, 34, MessageId), ["unread_count"] = Int(0, long.MaxValue),
        ["sessions_ended"] = Int(0, long.MaxValue),
        ["next_cursor"] = Text(MaxCursorLength, 1),
        ["title"] = Text(BeatFields.MaxTitleLength, 1), ["beat_title"] = Text(BeatFields.MaxTitleLength, 1), ["artist"] = Text(BeatFields.MaxTitleLength, 1), ["genre"] = Text(BeatFields.MaxGenreLength, 1), ["key"] = Text(BeatFields.MaxKeyLength, 1),
        ["currency"] = Text(3, 3, "^[A-Z]{3}$"),
        ["license_type"] = NamedEnums.Named("LicenseType", LicenseTypes.All),
        ["price"] = Number((double)BeatFields.MinPrice, (double)BeatFields.MaxPrice), ["amount"] = Number(0, null),
        ["bpm"] = Number(BeatFields.MinBpm, BeatFields.MaxBpm), ["duration_seconds"] = Number(0, null),
        ["tags"] = List(BeatFields.MaxTags, Text(BeatFields.MaxTagLength, 1)),
        ["plays"] = Int(0, long.MaxValue), ["bytes"] = Int(0, long.MaxValue),
        ["file_url"] = Url, ["stream_url"] = Url, ["upload_url"] = Url, ["download_url"] = Url, ["url"] = Url,
        ["cover_url"] = Url, ["cover_thumbnail_url"] = Url,
        ["failure_reason"] = Text(MaxProblemTextLength),
        ["username"] = Text(32, 3, Username), ["email"] = Text(UsersValidation.MaxEmailLength, 3, format: "email"),
        ["bio"] = Text(UsersValidation.MaxBioLength), ["password"] = Text(UsersValidation.MaxPasswordLength, UsersValidation.MinPasswordLength),
        ["token"] = Text(4096, 1), ["token_type"] = NamedEnums.Named("TokenType", ["Bearer"]), ["expires_in"] = Int(1, 900),
        ["refresh_token"] = Text(256, 34, "^[0-9a-f]{32}\\..+$"),
        ["purchased_beats"] = List(null, Id),
        ["deliverables"] = List(3, NamedEnums.Named("DeliverableName", DeliverableNames)),
        ["licenses"] = List(LicenseTypes.All.Count),
        ["items"] = List(Paging.MaxLimit), ["purchases"] = List(100), ["sales"] = List(100), ["messages"] = List(Paging.MaxLimit),
        ["notifications"] = List(100), ["files"] = List(3), ["totals"] = List(null),
        ["peaks"] = List(10_000, Number(0, 1)),
        ["participants"] = List(2, Text(32, 3, Username), minItems: 2), ["chats"] = List(null),
        ["sender"] = Text(32, 3, Username), ["receiver"] = Text(32, 3, Username), ["content"] = Text(ChatSending.MaxMessageLength, 1),
        ["provider"] = NamedEnums.Named("PaymentProvider", ["simulated", "stripe"]), ["payment_id"] = Text(255, 1), ["client_secret"] = Text(255, 1),
        ["publishable_key"] = Text(255, 1),
        ["distribution_copies"] = Int(0, long.MaxValue), ["audio_streams"] = Int(0, long.MaxValue),
        ["music_videos"] = Int(0, int.MaxValue), ["radio_stations"] = Int(0, int.MaxValue),
        ["count"] = Int(0, int.MaxValue), ["marked"] = Int(0, int.MaxValue),
        ["offer_id"] = Id, ["maker_id"] = Id, ["counter_of"] = Id, ["counter_offer_id"] = Id,
        ["reason"] = Text(MaxProblemTextLength), ["kind"] = NamedEnums.Named("MessageKind", [MessageKinds.Text, MessageKinds.Offer]),
        ["list_price"] = Number(0, null), ["discount"] = Number(0, null), ["license_agreement_url"] = Text(MaxUrlLength, 1),
        ["code"] = Text(CouponCodes.MaxLength, 3, "^[A-Z0-9_-]{3,32}$"), ["coupon"] = Text(CouponCodes.MaxLength, 3, "^[A-Z0-9_-]{3,32}$"),
        ["percent_off"] = Int(1, 99), ["amount_off"] = Number(0, (double)OffersEndpoints.MaxAmount),
        ["beat_ids"] = List(CouponsEndpoints.MaxBeats, Id),
        ["license_types"] = List(LicenseTypes.All.Count, NamedEnums.Named("LicenseType", LicenseTypes.All)),
        ["max_uses"] = Int(1, 1_000_000), ["uses"] = Int(0, int.MaxValue), ["reserved"] = Int(0, int.MaxValue), ["coupons"] = List(CouponCodes.MaxPerProducer),
    };

    public static readonly string[] PurchaseStatuses =
        ["pending_payment", "processing", "completed", "failed", "expired", "refunded"];

    public static readonly string[] OfferStatuses =
        ["open", "accepted", "declined", "countered", "withdrawn", "expired", "void", "purchased"];

    /// <summary>Fields whose wire name means different things in different records.</summary>
    private static readonly Dictionary<(string Schema, string Field), Action<OpenApiSchema>> ByRecord = new()
    {
        [("BeatResponse", "status")] = NamedEnums.Named("BeatStatus", ["processing", "ready", "failed", "sold"]),
        [("PurchaseResponse", "status")] = NamedEnums.Named("PurchaseStatus", PurchaseStatuses),
        [("NotificationResponse", "status")] = NamedEnums.Named("NotificationStatus", ["unread", "read"]),
        [("MarkAsReadResponse", "status")] = NamedEnums.Named("ReadStatus", ["read"]),
        [("NotificationResponse", "type")] = Text(32, 1),
        [("NotificationResponse", "message")] = Text(1000, 1),
        // A pattern, not an enum: the field is null for notifications about nothing to open.
        [("NotificationResponse", "subject_type")] = Text(16, 1, $"^({string.Join('|', NotificationSubjects.All)})$",
            description: "What the notification is about: chat (subject_id is a chat_id), purchase (a purchase_id: a "
                + "purchase, a sale or a refund) or beat (a beat_id); null when it is about nothing to open."),
        [("NotificationResponse", "subject_id")] = Text(32, 32, HexId),
        [("DownloadFileResponse", "name")] =
            NamedEnums.Named("DownloadFileName", [.. DeliverableNames, LicenseAgreement.FileName]),
        [("DownloadFileResponse", "format")] =
            NamedEnums.Named("DownloadFileFormat", [.. MediaFormats.Audio, "zip", "pdf"]),
        [("DownloadResponse", "files")] = List(4),
        [("OfferResponse", "status")] = NamedEnums.Named("OfferStatus", OfferStatuses),
        [("OfferCardResponse", "status")] = NamedEnums.Named("OfferStatus", OfferStatuses),
        [("OfferResponse", "message")] = Text(OffersEndpoints.MaxMessageLength, 1),
        [("OfferResponse", "amount")] = Number(0, (double)OffersEndpoints.MaxAmount),
        [("MakeOfferRequest", "beat_id")] = Text(32, 1, description: "The beat's id; an unknown one answers 404."),
        [("MakeOfferRequest", "amount")] = Number((double)Money.MinimumCharge, (double)OffersEndpoints.MaxAmount),
        [("MakeOfferRequest", "currency")] = Text(3, 3, "^[A-Za-z]{3}$", description: "The tier's currency (default USD)."),
        [("MakeOfferRequest", "message")] = Text(OffersEndpoints.MaxMessageLength, description: "Shown in the chat with the offer."),
        [("CounterOfferRequest", "amount")] = Number((double)Money.MinimumCharge, (double)OffersEndpoints.MaxAmount),
        [("CounterOfferRequest", "message")] = Text(OffersEndpoints.MaxMessageLength, description: "Shown in the chat with the counter-offer."),
        [("CreatePurchaseRequest", "offer_id")] = Text(64, 1, description: "An accepted offer of the caller's for this beat and tier; without it the caller's newest such offer applies."),
        [("CreatePurchaseRequest", "coupon")] = Text(CouponCodes.MaxLength, 1, description: "A coupon code of the beat's producer (not with offer_id)."),
        [("CreateCouponRequest", "code")] = Text(CouponCodes.MaxLength, 3, "^[A-Za-z0-9_-]{3,32}$", description: "Letter case is ignored."),
        [("CreateCouponRequest", "currency")] = Text(3, 3, "^[A-Za-z]{3}$", description: "The currency of amount_off (default USD)."),
        [("CreateCouponRequest", "beat_ids")] = List(CouponsEndpoints.MaxBeats, Text(32, 1)),
        [("CreateCouponRequest", "license_types")] =
            List(LicenseTypes.All.Count, NamedEnums.Named("LicenseType", LicenseTypes.All)),
        [("VoiceTagResponse", "format")] = NamedEnums.Named("StoredAudioFormat", [.. MediaFormats.Audio]),
        [("UpdateBeatRequest", "genre")] = Text(BeatFields.MaxGenreLength, description: "An empty string clears it."),
        [("UpdateBeatRequest", "bpm")] = s =>
        {
            s.Type = JsonSchemaType.Number | JsonSchemaType.Null;
            Number(BeatFields.MinBpm, BeatFields.MaxBpm)(s);
            s.Description = "Left out: as it is; null removes it.";
        },
        [("UpdateBeatRequest", "key")] = Text(BeatFields.MaxKeyLength,
            description: "A key such as Am, F#m, C, \"F minor\" (stored as Fm); an empty string clears it."),
        [("UpdateBeatRequest", "tags")] = s =>
        {
            List(BeatFields.MaxTags, Text(BeatFields.MaxTagLength, 1))(s);
            s.Description = "Replaces every tag; an empty list clears them.";
        },
        [("ProfileResponse", "bio")] = Text(UsersValidation.MaxBioLength),
        [("PublicProfileResponse", "bio")] = Text(UsersValidation.MaxBioLength),
        // Requests: what the endpoint accepts (a bad id answers 404, so ids are only bounded here).
        [("SendMessageRequest", "receiver")] = Text(64, 1, description: "A username or a user id."),
        [("SendMessageRequest", "sender")] = Text(64, 1, description: "Optional; when given, the caller's own username or user id."),
        [("SendMessageRequest", "message")] = Text(ChatSending.MaxMessageLength, 1),
        [("MarkAsReadRequest", "notification_id")] = Text(64, 1),
        [("CreatePurchaseRequest", "beat_id")] = Text(32, 1, description: "The beat's id; an unknown one answers 404."),
        [("ConfirmPurchaseRequest", "payment_method")] = Text(255, 1, description: "A payment method id, e.g. pm_card_visa (test: pm_card_chargeDeclined is declined)."),
        [("LoginRequest", "email")] = Text(UsersValidation.MaxEmailLength, 1),
        [("LoginRequest", "password")] = Text(UsersValidation.MaxPasswordLength, 1),
        [("ChangePasswordRequest", "current_password")] = Text(UsersValidation.MaxPasswordLength, 1),
        [("ChangePasswordRequest", "new_password")] = Text(
            UsersValidation.MaxPasswordLength, UsersValidation.MinPasswordLength,
            description: "Held to the signup's rules; it must differ from the current one."),
        [("LogoutRequest", "token")] = Text(256, description: "Optional: a refresh token of another of the caller's sessions, ended too."),
        [("RefreshRequest", "refresh_token")] = Text(256, 1),
        [("SignupRequest", "password")] = Text(UsersValidation.MaxPasswordLength, UsersValidation.MinPasswordLength,
            description: "At least 8 characters; common, trivial and account-naming passwords are refused."),
    };

    /// <summary>Request fields the endpoint refuses (400) when missing or null; the others may be left out.</summary>
    private static readonly Dictionary<string, string[]> RequiredInRequests = new()
    {
        ["SignupRequest"] = ["username", "email", "password"],
        ["LoginRequest"] = ["email", "password"],
        ["RefreshRequest"] = ["refresh_token"],
        ["ProfileUpdateRequest"] = [],
        ["LogoutRequest"] = [],
        ["CreatePurchaseRequest"] = ["beat_id", "license_type"],
        ["ConfirmPurchaseRequest"] = ["payment_method"],
        ["SendMessageRequest"] = ["receiver", "message"],
        ["MarkAsReadRequest"] = [],
        ["UpdateLicensesRequest"] = ["licenses"],
        ["UpdateBeatRequest"] = [],
        ["MakeOfferRequest"] = ["beat_id", "license_type", "amount"],
        ["CounterOfferRequest"] = ["amount"],
        ["CreateCouponRequest"] = ["code"],
    };

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        var schemas = document.Components?.Schemas;
        if (schemas is null)
        {
            return Task.CompletedTask;
        }

        foreach (var (name, component) in schemas)
        {
            if (component is not OpenApiSchema schema || schema.Properties is null)
            {
                continue;
            }

            foreach (var field in schema.Properties.Keys.ToList())
            {
                // A field read as a raw JSON element (to tell null from left out) references the framework's
                // JsonElement schema, which says nothing: its rule describes it from scratch.
                var declared = schema.Properties[field] switch
                {
                    OpenApiSchema property => Copy(property),
                    OpenApiSchemaReference { Reference.Id: "JsonElement" } => new OpenApiSchema(),
                    _ => null,
                };
                if (declared is not null
                    && (ByRecord.TryGetValue((name, field), out var specific) ? specific : ByName.GetValueOrDefault(field)) is { } rule)
                {
                    // A copy: the framework may share one schema object between fields of the same type.
                    rule(declared);
                    schema.Properties[field] = declared;
                }
            }

            if (RequiredInRequests.TryGetValue(name, out var required))
            {
                schema.Required = new HashSet<string>(required);
                foreach (var field in required)
                {
                    if (schema.Properties.TryGetValue(field, out var property) && property is OpenApiSchema { Type: { } type } value)
                    {
                        value.Type = type & ~JsonSchemaType.Null;
                    }
                }
            }
        }

        ProblemSchemas.Bound(schemas);
        UploadForms.AddTo(document);
        NamedEnums.Apply(document);
        return Task.CompletedTask;
    }

    public static OpenApiSchema Copy(IOpenApiSchema schema) => (OpenApiSchema)schema.CreateShallowCopy();

    private static void Id(OpenApiSchema s) => Text(32, 32, HexId)(s);

    private static void Url(OpenApiSchema s) => Text(MaxUrlLength, 1, format: "uri")(s);

    public static Action<OpenApiSchema> Text(int maxLength, int minLength = 0, string? pattern = null, string? format = null, string? description = null) => s =>
    {
        s.MaxLength = maxLength;
        s.MinLength = minLength > 0 ? minLength : null;
        s.Pattern = pattern ?? s.Pattern;
        s.Format = format ?? s.Format;
        s.Description = description ?? s.Description;
    };

    public static Action<OpenApiSchema> OneOf(IEnumerable<string> values) => s =>
        s.Enum = [.. values.Select(v => (JsonNode)JsonValue.Create(v))];

    public static Action<OpenApiSchema> Int(long minimum, long maximum) => s =>
    {
        s.Minimum = minimum.ToString(CultureInfo.InvariantCulture);
        s.Maximum = maximum.ToString(CultureInfo.InvariantCulture);
        s.Format = maximum > int.MaxValue ? "int64" : "int32";
    };

    public static Action<OpenApiSchema> Number(double? minimum, double? maximum) => s =>
    {
        s.Minimum = minimum?.ToString(CultureInfo.InvariantCulture);
        s.Maximum = maximum?.ToString(CultureInfo.InvariantCulture);
    };

    /// <summary>An array of at most <paramref name="maxItems"/> (null: no bound the API can promise; the lint ruleset names why).</summary>
    public static Action<OpenApiSchema> List(int? maxItems, Action<OpenApiSchema>? item = null, int minItems = 0) => s =>
    {
        s.MaxItems = maxItems;
        s.MinItems = minItems > 0 ? minItems : null;
        if (item is not null && s.Items is OpenApiSchema items)
        {
            var bounded = Copy(items);
            item(bounded);
            s.Items = bounded;
        }
    };
}
