using Microsoft.OpenApi;

namespace BeatOrleans.Api.OpenApi;

/// <summary>The byte-serving operations: ranges, conditional requests, and redirects to S3.</summary>
internal static class FileAnswers
{
    public static void Describe(OpenApiOperation operation)
    {
        if (operation.OperationId == "GetLicenseAgreement")
        {
            operation.Responses!["200"] = new OpenApiResponse
            {
                Description = "The licence agreement; the same bytes for the same purchase.",
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/pdf"] = new() { Schema = new OpenApiSchema { ContentMediaType = "application/pdf", Description = "A PDF document." } },
                },
            };
            return;
        }

        var mediaType = operation.OperationId switch
        {
            "StreamPreview" => "audio/mpeg",
            "DownloadFile" => "application/octet-stream",
            "GetCover" => "image/jpeg",
            _ => null,
        };
        if (mediaType is null)
        {
            return;
        }

        var bytes = new Dictionary<string, OpenApiMediaType>
        {
            [mediaType] = new() { Schema = new OpenApiSchema { ContentMediaType = mediaType, Description = "The file's bytes." } },
        };
        if (mediaType == "application/octet-stream")
        {
            bytes["audio/wav"] = new() { Schema = new OpenApiSchema { ContentMediaType = "audio/wav" } };
            bytes["audio/mpeg"] = new() { Schema = new OpenApiSchema { ContentMediaType = "audio/mpeg" } };
            bytes["application/zip"] = new() { Schema = new OpenApiSchema { ContentMediaType = "application/zip" } };
            bytes["application/pdf"] = new() { Schema = new OpenApiSchema { ContentMediaType = "application/pdf" } };
        }

        // The request headers the file sender honours, so a generated client can send them.
        operation.Parameters ??= [];
        foreach (var (name, description) in new[]
        {
            ("Range", "One byte range, e.g. bytes=0-1023 or bytes=1024- (206; 416 when past the end)."),
            ("If-Range", "An ETag or date: the range is served only if the file is still that version, else all of it."),
            ("If-None-Match", "An ETag from an earlier answer: 304 while the file is unchanged."),
            ("If-Modified-Since", "A date from an earlier Last-Modified: 304 while the file is unchanged."),
        })
        {
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = name,
                In = ParameterLocation.Header,
                Description = description,
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 256 },
            });
        }

        var length = ("Content-Length", OperationContracts.Header(null, "Bytes in this answer.", maxLength: 20));
        var ranges = ("Accept-Ranges", OperationContracts.Header("bytes", "Byte ranges are served."));
        var tag = ("ETag", OperationContracts.Header(null, "The file's version, for If-None-Match and If-Range."));
        operation.Responses!["200"] = new OpenApiResponse
        {
            Description = "The whole file.",
            Content = bytes,
            Headers = OperationContracts.Headers(length, ranges, tag),
        };
        operation.Responses["206"] = new OpenApiResponse
        {
            Description = "The requested range (Range: bytes=...).",
            Content = bytes,
            Headers = OperationContracts.Headers(length, ranges, tag,
                ("Content-Range", OperationContracts.Header("bytes 0-1023/480000", "Which bytes of the file this is.", required: true))),
        };
        operation.Responses["302"] = new OpenApiResponse
        {
            Description = "S3 storage: a short-lived presigned URL of the file.",
            Headers = OperationContracts.Headers(("Location", OperationContracts.Header(null, "The presigned URL.", 4096, required: true))),
        };
        operation.Responses["304"] = new OpenApiResponse { Description = "Not modified since the If-None-Match / If-Modified-Since version." };
        operation.Responses["416"] = new OpenApiResponse
        {
            Description = "The range cannot be satisfied. No body (Content-Length: 0), though the file's Content-Type "
                + "may be sent.",
            Content = bytes,
            Headers = OperationContracts.Headers(("Content-Range", OperationContracts.Header("bytes */480000", "The file's length.", required: true))),
        };
    }
}
