using BeatOrleans.Api.Catalog;
using BeatOrleans.Catalog.Files.Formats;
using BeatOrleans.Contracts.Catalog;
using Microsoft.OpenApi;

namespace BeatOrleans.Api.OpenApi;

/// <summary>
/// The bodies the endpoints read themselves (multipart forms streamed to blob storage, the seed's JSON upload, raw
/// uploads, Stripe's events), which the framework cannot infer from a handler's parameters.
/// </summary>
internal static class UploadForms
{
    private const string LicenseTier = "LicenseTierRequest";
    private const string LicenseTiers = "LicenseTierList";
    private const string BeatForm = "BeatUploadForm";
    private const string BeatJson = "BeatUploadJson";
    private const string VoiceTagForm = "VoiceTagUploadForm";
    private const string StemsForm = "StemsUploadForm";

    /// <summary>The form's field limit (MultipartUpload): a text part larger than this answers 413.</summary>
    private const int MaxFieldLength = 64 * 1024;

    private static readonly string AudioTypes = string.Join(", ", MediaFormats.Audio.Select(MediaFormats.ContentType).Distinct());

    public static void AddTo(OpenApiDocument document)
    {
        var schemas = document.Components!.Schemas!;
        schemas[LicenseTier] = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "A tier the producer offers, at its price in USD major units.",
            Required = new HashSet<string> { "license_type", "price" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["license_type"] = Field(JsonSchemaType.String, NamedEnums.Named("LicenseType", LicenseTypes.All)),
                ["price"] = Field(JsonSchemaType.Number, WireSchemas.Number((double)BeatFields.MinPrice, (double)BeatFields.MaxPrice),
                    "At most two decimals."),
            },
        };
        schemas[LicenseTiers] = new OpenApiSchema
        {
            Type = JsonSchemaType.Array,
            Description = "1 to 5 distinct tiers; trackout needs stems.",
            MinItems = 1,
            MaxItems = LicenseTypes.All.Count,
            Items = Ref(LicenseTier, document),
        };
        if (schemas.TryGetValue("UpdateLicensesRequest", out var request) && request is OpenApiSchema { Properties: { } update })
        {
            update["licenses"] = Ref(LicenseTiers, document);
        }

        schemas.Remove("JsonElement");
        schemas[BeatForm] = BeatFormSchema(document);
        schemas[BeatJson] = BeatJsonSchema(document);
        schemas[VoiceTagForm] = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Required = new HashSet<string> { "file" },
            Properties = new Dictionary<string, IOpenApiSchema> { ["file"] = Binary("The tag's audio, judged by its content.", "audio/*") },
        };

        // One content type per operation: with two, client generators (hey-api, NSwag, Kiota, orval) kept the JSON one
        // or mixed them, and none could send the form. The seed's JSON form is its own operation (same handler), and
        // still accepted on this path for clients written to the seed.
        SetBody(document, "UploadBeat", new OpenApiRequestBody
        {
            Required = true,
            Description = "multipart/form-data: the audio streamed with its fields. (The seed's JSON form, naming a "
                + "file_url from POST /api/beats/upload-url, is accepted here too; generated clients send it with "
                + "UploadBeatJson, POST /api/beats/upload/json.)",
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["multipart/form-data"] = new()
                {
                    Schema = Ref(BeatForm, document),
                    Encoding = new Dictionary<string, OpenApiEncoding>
                    {
                        ["file"] = new() { ContentType = $"{AudioTypes}, application/octet-stream" },
                        ["stems"] = new() { ContentType = "application/zip, application/octet-stream" },
                        ["licenses"] = new() { ContentType = "application/json, text/plain" },
                    },
                },
            },
        });
        SetBody(document, "UploadBeatJson", new OpenApiRequestBody
        {
            Required = true,
            Description = "The seed's JSON form: the beat's fields and the file_url of audio uploaded through "
                + "POST /api/beats/upload-url.",
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/json"] = new() { Schema = Ref(BeatJson, document), Example = Examples.JsonUpload },
            },
        });
        schemas[StemsForm] = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Required = new HashSet<string> { "stems" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["stems"] = Binary(
                    "A zip of the stems (at most Uploads:MaxStemsBytes), judged by its content (other: 415).",
                    "application/zip"),
            },
        };
        SetBody(document, "PutStems", new OpenApiRequestBody
        {
            Required = true,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["multipart/form-data"] = new()
                {
                    Schema = Ref(StemsForm, document),
                    Encoding = new Dictionary<string, OpenApiEncoding>
                    {
                        ["stems"] = new() { ContentType = "application/zip, application/octet-stream" },
                    },
                },
            },
        });
        SetBody(document, "UploadVoiceTag", new OpenApiRequestBody
        {
            Required = true,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["multipart/form-data"] = new()
                {
                    Schema = Ref(VoiceTagForm, document),
                    Encoding = new Dictionary<string, OpenApiEncoding> { ["file"] = new() { ContentType = $"{AudioTypes}, application/octet-stream" } },
                },
            },
        });
        SetBody(document, "PutUpload", new OpenApiRequestBody
        {
            Required = true,
            Description = "The audio's bytes (any content type); checked when an upload claims it.",
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/octet-stream"] = new() { Schema = Binary("The audio.", "application/octet-stream") },
            },
        });
        SetBody(document, "PutCover", new OpenApiRequestBody
        {
            Required = true,
            Description = "The image's bytes, up to 10 MiB (Uploads:MaxCoverBytes); its format is told by its first "
                + "bytes, and the Content-Type must be one of these.",
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["image/jpeg"] = new() { Schema = Binary("A JPEG image.", "image/jpeg") },
                ["image/png"] = new() { Schema = Binary("A PNG image.", "image/png") },
                ["image/webp"] = new() { Schema = Binary("A WebP image.", "image/webp") },
            },
        });
        SetBody(document, "StripeWebhook", new OpenApiRequestBody
        {
            Required = true,
            Description = "A Stripe event, exactly as Stripe signed it (Stripe-Signature header).",
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/json"] = new()
                {
                    Schema = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Object,
                        Description = "Stripe's event object (payment_intent.*, charge.*); see Stripe's API reference.",
                        Required = new HashSet<string> { "id", "type", "data" },
                    },
                },
            },
        });
    }

    private static OpenApiSchema BeatFormSchema(OpenApiDocument document) => new()
    {
        Type = JsonSchemaType.Object,
        Description = "Text parts are read as UTF-8 (at most 64 KiB each, 32 in all); the audio part is streamed to storage.",
        Required = new HashSet<string> { "file", "title" },
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["file"] = Binary("The master: WAV, MP3, FLAC, AIFF or OGG, judged by its content (other: 415); at most Uploads:MaxAudioBytes (413).", "audio/*"),
            ["title"] = Field(JsonSchemaType.String, WireSchemas.Text(BeatFields.MaxTitleLength, 1)),
            ["artist"] = Field(JsonSchemaType.String, WireSchemas.Text(BeatFields.MaxTitleLength), "Defaults to the uploader's username."),
            ["genre"] = Field(JsonSchemaType.String, WireSchemas.Text(BeatFields.MaxGenreLength)),
            ["bpm"] = Field(JsonSchemaType.Number, WireSchemas.Number(BeatFields.MinBpm, BeatFields.MaxBpm)),
            ["key"] = Field(JsonSchemaType.String, WireSchemas.Text(BeatFields.MaxKeyLength)),
            ["tags"] = Field(JsonSchemaType.String, WireSchemas.Text(BeatFields.MaxTags * (BeatFields.MaxTagLength + 1)),
                $"Comma separated: at most {BeatFields.MaxTags} tags of at most {BeatFields.MaxTagLength} characters."),
            ["price"] = Field(JsonSchemaType.Number, WireSchemas.Number((double)BeatFields.MinPrice, (double)BeatFields.MaxPrice),
                "Without licenses: the mp3_lease price. Without either: the default tiers (README)."),
            ["licenses"] = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                MaxLength = MaxFieldLength,
                ContentMediaType = "application/json",
                ContentSchema = Ref(LicenseTiers, document),
                Description = "A JSON array of tiers, e.g. [{\"license_type\":\"exclusive\",\"price\":300}].",
            },
            ["stems"] = Binary("A zip of the stems (at most Uploads:MaxStemsBytes); needed to offer trackout.", "application/zip"),
        },
    };

    private static OpenApiSchema BeatJsonSchema(OpenApiDocument document) => new()
    {
        Type = JsonSchemaType.Object,
        Description = "The seed's JSON upload: the audio was PUT to an upload_url first; file_url names it (once).",
        Required = new HashSet<string> { "title", "file_url" },
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["title"] = Field(JsonSchemaType.String, WireSchemas.Text(BeatFields.MaxTitleLength, 1)),
            ["artist"] = Field(JsonSchemaType.String | JsonSchemaType.Null, WireSchemas.Text(BeatFields.MaxTitleLength)),
            ["file_url"] = Field(JsonSchemaType.String, WireSchemas.Text(WireSchemas.MaxUrlLength, 1, format: "uri"),
                "The file_url of a POST /api/beats/upload-url answer."),
            ["price"] = Field(JsonSchemaType.Number | JsonSchemaType.Null, WireSchemas.Number((double)BeatFields.MinPrice, (double)BeatFields.MaxPrice)),
            ["genre"] = Field(JsonSchemaType.String | JsonSchemaType.Null, WireSchemas.Text(BeatFields.MaxGenreLength)),
            ["bpm"] = Field(JsonSchemaType.Number | JsonSchemaType.Null, WireSchemas.Number(BeatFields.MinBpm, BeatFields.MaxBpm)),
            ["key"] = Field(JsonSchemaType.String | JsonSchemaType.Null, WireSchemas.Text(BeatFields.MaxKeyLength)),
            ["tags"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Array | JsonSchemaType.Null,
                MaxItems = BeatFields.MaxTags,
                Items = Field(JsonSchemaType.String, WireSchemas.Text(BeatFields.MaxTagLength)),
                Description = "An array of tags (a comma-separated string is accepted too).",
            },
            ["licenses"] = Ref(LicenseTiers, document),
        },
    };

    private static OpenApiSchema Field(JsonSchemaType type, Action<OpenApiSchema> rule, string? description = null)
    {
        var schema = new OpenApiSchema { Type = type, Description = description };
        rule(schema);
        return schema;
    }

    /// <summary>
    /// A file part: bytes, and its media type says what they hold. <c>type: string</c> with <c>format: binary</c> is
    /// what client generators (NSwag, Kiota, orval, openapi-typescript) read as a file or a blob: with
    /// <c>contentMediaType</c> alone they typed the part as an untyped value and could not send bytes.
    /// </summary>
    private static OpenApiSchema Binary(string description, string mediaType) =>
        new()
        {
            Type = JsonSchemaType.String, Format = "binary", Description = description, ContentMediaType = mediaType,
        };

    private static OpenApiSchemaReference Ref(string name, OpenApiDocument document) => new(name, document);

    private static void SetBody(OpenApiDocument document, string operationId, OpenApiRequestBody body)
    {
        foreach (var operation in document.Paths.Values.SelectMany(p => p.Operations?.Values.AsEnumerable() ?? []))
        {
            if (operation.OperationId == operationId)
            {
                operation.RequestBody = body;
            }
        }
    }
}
