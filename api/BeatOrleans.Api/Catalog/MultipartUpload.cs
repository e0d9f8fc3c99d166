using System.Text;
using BeatOrleans.Catalog.Files.Blobs;
using BeatOrleans.Catalog.Files.Formats;
using BeatOrleans.Contracts.Catalog;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace BeatOrleans.Api.Catalog;

/// <summary>A refusal while reading an upload: the status and what to tell the client.</summary>
public sealed record UploadRefusal(int Status, string Title, string Detail)
{
    public ProblemHttpResult Problem() => Refusals.Problem(Status, Title, Detail);
}

/// <summary>
/// Reads a multipart upload section by section straight off the request body: text fields into a dictionary, the audio
/// (and stems) streamed into blob storage as they arrive, never the whole file in memory. Whatever was stored is
/// deleted again when the upload is refused.
/// </summary>
public sealed class MultipartUpload(IBlobStore blobs) : IAsyncDisposable
{
    private const int MaxFieldBytes = 64 * 1024;
    private const int MaxFields = 32;
    private readonly List<string> stored = [];
    private bool kept;

    public Dictionary<string, string> Fields { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether the body is multipart/form-data (a urlencoded form is a form, but has no file parts).</summary>
    public static bool IsMultipart(HttpRequest request) => request.HasFormContentType
        && request.ContentType!.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase);

    public StoredFile? Audio { get; private set; }

    public StoredFile? Stems { get; private set; }

    /// <summary>
    /// Reads every section; <paramref name="audioKey"/> and <paramref name="stemsKey"/> name where the files go (null:
    /// that part is not accepted).
    /// </summary>
    public async Task<UploadRefusal?> Read(HttpRequest request, Func<string, string>? audioKey, string? stemsKey,
        long maxAudio, long maxStems, CancellationToken cancellationToken)
    {
        try
        {
            return await ReadSections(request, audioKey, stemsKey, maxAudio, maxStems, cancellationToken);
        }
        // MultipartReader reports a broken body as a bare IOException of its own (Source = its assembly); one from the
        // disk or the blob store is the server's trouble and stays a 500.
        catch (IOException e) when (e is MalformedUploadException || (e is not BadHttpRequestException && e.Source == typeof(MultipartReader).Assembly.GetName().Name))
        {
            return new UploadRefusal(400, "The upload is malformed.", "The multipart body ended before its closing boundary, or is not multipart/form-data.");
        }
    }

    private async Task<UploadRefusal?> ReadSections(HttpRequest request, Func<string, string>? audioKey,
        string? stemsKey, long maxAudio, long maxStems, CancellationToken cancellationToken)
    {
        var boundary = HeaderUtilities.RemoveQuotes(MediaTypeHeaderValue.Parse(request.ContentType).Boundary).Value;
        if (string.IsNullOrEmpty(boundary) || boundary.Length > 200)
        {
            return new UploadRefusal(400, "The upload is malformed.", "A multipart/form-data body needs a boundary.");
        }

        // BodyLengthLimit defaults to 128 MB per section: the limits below are ours.
        var reader = new MultipartReader(boundary, request.Body) { BodyLengthLimit = null };
        MultipartSection? section;
        while ((section = await reader.ReadNextSectionAsync(cancellationToken)) is not null)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase))
            {
                return new UploadRefusal(400, "The upload is malformed.", "Every part needs a Content-Disposition: form-data header.");
            }

            var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
            var refusal = name switch
            {
                "file" when audioKey is not null && Audio is null =>
                    await StoreAudio(section, audioKey, maxAudio, cancellationToken),
                "stems" when stemsKey is not null && Stems is null => await StoreStems(section, stemsKey, maxStems, cancellationToken),
                "file" when audioKey is null => Unexpected(name),
                "stems" when stemsKey is null => Unexpected(name),
                "file" or "stems" => new UploadRefusal(400, "The upload is malformed.", $"Only one '{name}' part is accepted."),
                _ when disposition.IsFileDisposition() => Unexpected(name),
                _ => await ReadField(name, section, cancellationToken),
            };
            if (refusal is not null)
            {
                return refusal;
            }
        }

        return null;
    }

    private static UploadRefusal Unexpected(string part) =>
        new(400, "The upload is malformed.", $"Unexpected file part '{part}'.");

    /// <summary>The upload became a beat: its files stay.</summary>
    public void Keep() => kept = true;

    public async ValueTask DisposeAsync()
    {
        if (kept)
        {
            return;
        }

        foreach (var key in stored)
        {
            await blobs.Delete(key, CancellationToken.None);
        }
    }

    private async Task<UploadRefusal?> StoreAudio(MultipartSection section, Func<string, string> keyFor, long max, CancellationToken cancellationToken)
    {
        var head = await ReadHead(section.Body, cancellationToken);
        if (MediaFormats.DetectAudio(head) is not { } format)
        {
            return new UploadRefusal(415, "Unsupported media type.",
                $"The file is not audio in a supported format ({string.Join(", ", MediaFormats.Audio)}), judged by its content.");
        }

        var key = keyFor(format);
        var bytes = await Store(key, head, section.Body, max, MediaFormats.ContentType(format), cancellationToken);
        if (bytes is null)
        {
            return TooLarge("file", max);
        }

        Audio = new StoredFile(key, format, bytes.Value);
        return null;
    }

    private async Task<UploadRefusal?> StoreStems(MultipartSection section, string key, long max, CancellationToken cancellationToken)
    {
        var head = await ReadHead(section.Body, cancellationToken);
        if (!MediaFormats.IsZip(head))
        {
            return new UploadRefusal(415, "Unsupported media type.", "The stems part must be a zip archive.");
        }

        var bytes = await Store(key, head, section.Body, max, MediaFormats.ContentType("zip"), cancellationToken);
        if (bytes is null)
        {
            return TooLarge("stems", max);
        }

        Stems = new StoredFile(key, "zip", bytes.Value);
        return null;
    }

    private async Task<long?> Store(string key, byte[] head, Stream rest, long max, string contentType, CancellationToken cancellationToken)
    {
        stored.Add(key);
        try
        {
            return await blobs.Write(key, new PrefixedStream(head, rest), max, contentType, cancellationToken);
        }
        catch (BlobTooLargeException)
        {
            return null;
        }
    }

    private async Task<UploadRefusal?> ReadField(string name, MultipartSection section, CancellationToken cancellationToken)
    {
        if (Fields.Count >= MaxFields)
        {
            return new UploadRefusal(400, "The upload is malformed.", $"At most {MaxFields} fields.");
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await section.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxFieldBytes)
            {
                return new UploadRefusal(413, "A field is too large.", $"The field '{name}' is larger than {MaxFieldBytes / 1024} KiB.");
            }

            buffer.Write(chunk, 0, read);
        }

        Fields[name] = Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        return null;
    }

    private static async Task<byte[]> ReadHead(Stream body, CancellationToken cancellationToken)
    {
        var head = new byte[MediaFormats.HeadLength];
        var filled = await body.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken);
        return head[..filled];
    }

    private static UploadRefusal TooLarge(string part, long max) =>
        new(413, "The upload is too large.",
            $"The '{part}' part is larger than the limit of {Refusals.Megabytes(max)}.");
}
