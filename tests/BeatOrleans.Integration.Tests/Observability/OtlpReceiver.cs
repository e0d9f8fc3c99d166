using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BeatOrleans.Integration.Tests.Observability;

/// <summary>One span as an OTLP exporter sent it: ids as hex, its service, scope (activity source) and attributes.</summary>
public sealed record ReceivedSpan(
    string Service, string Scope, string TraceId, string SpanId, string ParentSpanId, string Name, int Kind, IReadOnlyDictionary<string, string> Attributes)
{
    public const int ServerKind = 2;
    public const int ClientKind = 3;
}

/// <summary>
/// An OTLP/HTTP receiver (protobuf, as the processes' OTLP exporter sends with <c>OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf</c>)
/// that keeps every span it gets; metrics and logs are accepted and dropped.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<ReceivedSpan> spans = new();

    private OtlpReceiver(WebApplication app) => this.app = app;

    public Uri Endpoint => new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    public IReadOnlyList<ReceivedSpan> Spans => [.. spans];

    public static async Task<OtlpReceiver> Start()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.MapPost("/v1/traces", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            foreach (var span in OtlpTraces.Read(body.ToArray()))
            {
                receiver.spans.Enqueue(span);
            }

            return Results.Ok();
        });
        app.MapPost("/v1/metrics", () => Results.Ok());
        app.MapPost("/v1/logs", () => Results.Ok());
        await app.StartAsync();
        return receiver;
    }

    /// <summary>The spans of one trace, once <paramref name="complete"/> holds for them (or the deadline passes).</summary>
    public Task<IReadOnlyList<ReceivedSpan>> Trace(string traceId, Func<IReadOnlyList<ReceivedSpan>, bool> complete, TimeSpan patience) =>
        Eventually.Until<IReadOnlyList<ReceivedSpan>>(
            () => Task.FromResult<IReadOnlyList<ReceivedSpan>>([.. Spans.Where(s => s.TraceId == traceId)]), complete, patience,
            TimeSpan.FromMilliseconds(200));

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}

/// <summary>
/// Reads an ExportTraceServiceRequest (opentelemetry/proto/collector/trace/v1) off the protobuf wire format, only the
/// fields the tests look at: resource attributes, scope name, span ids, name, kind and string-like attributes.
/// </summary>
internal static class OtlpTraces
{
    public static IEnumerable<ReceivedSpan> Read(byte[] request)
    {
        foreach (var (field, resourceSpans) in Fields(request))
        {
            if (field != 1)
            {
                continue;
            }

            var service = "";
            var scopes = new List<byte[]>();
            foreach (var (f, value) in Fields(resourceSpans))
            {
                if (f == 1)
                {
                    service = Attributes(value).GetValueOrDefault("service.name", "");
                }
                else if (f == 2)
                {
                    scopes.Add(value);
                }
            }

            foreach (var scopeSpans in scopes)
            {
                var scope = "";
                foreach (var (f, value) in Fields(scopeSpans))
                {
                    if (f == 1)
                    {
                        scope = Fields(value).Where(x => x.Field == 1).Select(x => System.Text.Encoding.UTF8.GetString(x.Value)).FirstOrDefault() ?? "";
                    }
                    else if (f == 2)
                    {
                        yield return Span(service, scope, value);
                    }
                }
            }
        }
    }

    private static ReceivedSpan Span(string service, string scope, byte[] span)
    {
        string traceId = "", spanId = "", parent = "", name = "";
        var kind = 0;
        var attributes = new Dictionary<string, string>();
        var reader = new Reader(span);
        while (reader.Next(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (1, 2): traceId = Convert.ToHexStringLower(reader.Bytes()); break;
                case (2, 2): spanId = Convert.ToHexStringLower(reader.Bytes()); break;
                case (4, 2): parent = Convert.ToHexStringLower(reader.Bytes()); break;
                case (5, 2): name = System.Text.Encoding.UTF8.GetString(reader.Bytes()); break;
                case (6, 0): kind = (int)reader.Varint(); break;
                case (9, 2):
                    foreach (var (key, value) in Attributes([.. new[] { (byte)0x0a }, .. Length(reader.Bytes())]))
                    {
                        attributes[key] = value;
                    }

                    break;
                default: reader.Skip(wire); break;
            }
        }

        return new ReceivedSpan(service, scope, traceId, spanId, parent, name, kind, attributes);
    }

    // A KeyValue list re-framed as field 1 entries, so one reader serves resources and spans.
    private static byte[] Length(byte[] value)
    {
        var prefix = new List<byte>();
        var length = (ulong)value.Length;
        do
        {
            var b = (byte)(length & 0x7f);
            length >>= 7;
            prefix.Add(length == 0 ? b : (byte)(b | 0x80));
        }
        while (length != 0);
        return [.. prefix, .. value];
    }

    /// <summary>KeyValue entries (field 1 of a Resource, or re-framed span attributes) with string, bool, int or double values.</summary>
    private static Dictionary<string, string> Attributes(byte[] message)
    {
        var result = new Dictionary<string, string>();
        foreach (var (field, keyValue) in Fields(message))
        {
            if (field != 1)
            {
                continue;
            }

            string? key = null, value = null;
            foreach (var (f, v) in Fields(keyValue))
            {
                if (f == 1)
                {
                    key = System.Text.Encoding.UTF8.GetString(v);
                }
                else if (f == 2)
                {
                    value = AnyValue(v);
                }
            }

            if (key is not null)
            {
                result[key] = value ?? "";
            }
        }

        return result;
    }

    private static string? AnyValue(byte[] any)
    {
        var reader = new Reader(any);
        while (reader.Next(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (1, 2): return System.Text.Encoding.UTF8.GetString(reader.Bytes());
                case (2, 0): return reader.Varint() != 0 ? "true" : "false";
                case (3, 0): return ((long)reader.Varint()).ToString(System.Globalization.CultureInfo.InvariantCulture);
                case (4, 1): return BitConverter.Int64BitsToDouble((long)reader.Fixed64()).ToString(System.Globalization.CultureInfo.InvariantCulture);
                default: reader.Skip(wire); break;
            }
        }

        return null;
    }

    /// <summary>The length-delimited fields of a message (others skipped).</summary>
    private static List<(int Field, byte[] Value)> Fields(byte[] message)
    {
        var fields = new List<(int, byte[])>();
        var reader = new Reader(message);
        while (reader.Next(out var field, out var wire))
        {
            if (wire == 2)
            {
                fields.Add((field, reader.Bytes()));
            }
            else
            {
                reader.Skip(wire);
            }
        }

        return fields;
    }

    private sealed class Reader(byte[] data)
    {
        private int position;

        public bool Next(out int field, out int wire)
        {
            if (position >= data.Length)
            {
                field = wire = 0;
                return false;
            }

            var tag = Varint();
            field = (int)(tag >> 3);
            wire = (int)(tag & 7);
            return true;
        }

        public ulong Varint()
        {
            ulong result = 0;
            for (var shift = 0; ; shift += 7)
            {
                var b = data[position++];
                result |= (ulong)(b & 0x7f) << shift;
                if ((b & 0x80) == 0)
                {
                    return result;
                }
            }
        }

        public ulong Fixed64()
        {
            var value = BitConverter.ToUInt64(data, position);
            position += 8;
            return value;
        }

        public byte[] Bytes()
        {
            var length = (int)Varint();
            var value = data[position..(position + length)];
            position += length;
            return value;
        }

        public void Skip(int wire)
        {
            switch (wire)
            {
                case 0: Varint(); break;
                case 1: position += 8; break;
                case 2: Bytes(); break;
                case 5: position += 4; break;
                default: throw new InvalidDataException($"protobuf wire type {wire} is not expected in OTLP");
            }
        }
    }
}
