using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace BeatOrleans.Api.Tests.Security;

/// <summary>The odd inputs <see cref="OpenApiFuzzTests"/> sends, built from an operation's parameters and body schema.</summary>
public static class FuzzCorpus
{
    /// <summary>Text a client can put in any string: JSON-escaped so the body stays syntactically JSON.</summary>
    public static readonly string[] JsonStrings =
    [
        "",
        " ",
        "\\ud800x",
        "x\\udc00",
        "\\ud83c\\udfb5",
        "\\u0000",
        "a\\u0000b",
        "\\u202eexe.3pm",
        "\\u2066\\u2069",
        "\\ufeff",
        "\\uffff",
        "' OR 1=1 --",
        "<script>alert(1)</script>",
        "../../../../etc/passwd",
        "%00",
        "${jndi:ldap://x}",
        "\\r\\nSet-Cookie: a=b",
        new string('a', 5000),
        new string('\u00e9', 70_000),
    ];

    /// <summary>JSON values of every type, for a property whatever its declared type.</summary>
    public static readonly string[] JsonValues =
    [
        .. JsonStrings.Select(s => $"\"{s}\""),
        "null", "true", "0", "-1", "1e309", "-1e309", "1e-400", "123456789012345678901234567890", "0.000000001", "3.5", "[]", "{}", "[null]",
        "[\"\\ud800\"]", "{\"a\":\"\\ud800\"}", "[1,2,3]",
    ];

    /// <summary>Whole bodies that are not what any endpoint wants.</summary>
    public static readonly string[] Bodies =
    [
        "", "{", "}", "[", "{\"a\":", "nul", "null", "[]", "\"x\"", "1e309", "{}{}", "{\"a\":1,\"a\":2}", "\u0000",
        "{\"\\ud800\":1}", "{'single':'quotes'}", "{\"a\":1,}", "/* comment */ {}", "\ufeff{}",
        new string('[', 5000) + new string(']', 5000),
        string.Concat(Enumerable.Repeat("{\"a\":", 2000)) + "1" + new string('}', 2000),
    ];

    /// <summary>Values for a path segment or query parameter, URL-escaped as a client would send them.</summary>
    public static readonly string[] UrlValues =
    [
        "", "0", "-1", "abc", "1e309", "NaN", "99999999999999999999999", "%00", "%ff", "%ed%a0%80", "%e2%80%ae", "%f0%9f%8e%b5",
        "..%2f..%2fetc", "a%20b", "%27%20OR%201%3d1", "x%0d%0aSet-Cookie:%20a=b", new string('a', 2000), "00000000000000000000000000000000",
        "true", "[]", "%7b%7d",
    ];

    public static IEnumerable<HttpRequestMessage> Requests(JsonObject document, string path, string method, JsonObject operation)
    {
        var parameters = operation["parameters"]?.AsArray().Select(p => p!.AsObject()).ToList() ?? [];
        var pathNames = parameters.Where(p => p["in"]?.GetValue<string>() == "path").Select(p => p["name"]!.GetValue<string>()).ToList();
        var queryNames = parameters.Where(p => p["in"]?.GetValue<string>() == "query").Select(p => p["name"]!.GetValue<string>()).ToList();
        var plain = Fill(path, pathNames, "00000000000000000000000000000000");

        // Odd path values, one parameter at a time (the others a well-formed id).
        foreach (var name in pathNames)
        {
            foreach (var value in UrlValues.Where(v => v.Length > 0))
            {
                yield return new HttpRequestMessage(new HttpMethod(method), Fill(path.Replace($"{{{name}}}", value, StringComparison.Ordinal), pathNames, "00000000000000000000000000000000"));
            }
        }

        // Odd query values, one parameter at a time, then all at once and repeated.
        foreach (var name in queryNames)
        {
            foreach (var value in UrlValues)
            {
                yield return new HttpRequestMessage(new HttpMethod(method), $"{plain}?{name}={value}");
            }
        }

        if (queryNames.Count > 0)
        {
            yield return new HttpRequestMessage(new HttpMethod(method), $"{plain}?{string.Join('&', queryNames.Select(n => $"{n}=%ed%a0%80&{n}=2"))}");
        }

        if (method is "GET" or "HEAD" or "DELETE")
        {
            yield break;
        }

        // Whole odd bodies, as JSON and as other types.
        foreach (var body in Bodies)
        {
            yield return WithBody(method, plain, body, "application/json");
        }

        yield return WithBody(method, plain, "{}", "text/plain");
        yield return WithBody(method, plain, "a=1&b=%ff", "application/x-www-form-urlencoded");
        yield return WithBody(method, plain, "{}", "application/json; charset=utf-16");

        // Each declared property with each odd value, the others absent.
        foreach (var property in Properties(document, operation))
        {
            foreach (var value in JsonValues)
            {
                yield return WithBody(method, plain, $"{{\"{property}\":{value}}}", "application/json");
            }
        }

        foreach (var multipart in Multipart.OddShapes())
        {
            var request = new HttpRequestMessage(new HttpMethod(method), plain) { Content = new ByteArrayContent(multipart.Body) };
            request.Content.Headers.TryAddWithoutValidation("Content-Type", multipart.ContentType);
            yield return request;
        }
    }

    private static string Fill(string path, IEnumerable<string> names, string value) =>
        names.Aggregate(path, (p, name) => p.Replace($"{{{name}}}", value, StringComparison.Ordinal));

    private static HttpRequestMessage WithBody(string method, string path, string body, string contentType)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return request;
    }

    /// <summary>The property names of the operation's JSON body schema, following one $ref.</summary>
    private static List<string> Properties(JsonObject document, JsonObject operation)
    {
        var schema = operation["requestBody"]?["content"]?["application/json"]?["schema"];
        if (schema?["$ref"]?.GetValue<string>() is { } reference)
        {
            schema = document["components"]?["schemas"]?[reference.Split('/')[^1]];
        }

        var names = schema?["properties"]?.AsObject().Select(p => p.Key).ToList() ?? [];
        // Fields the contract has but a schema might not declare (multipart uploads have none in the document).
        return names.Count > 0 ? names : ["title", "file_url", "tags", "licenses", "price", "bpm"];
    }
}

/// <summary>multipart/form-data bodies a parser must refuse cleanly.</summary>
public static class Multipart
{
    public sealed record Shape(string ContentType, byte[] Body);

    public static IEnumerable<Shape> OddShapes()
    {
        const string B = "fuzzboundary";
        const string Type = $"multipart/form-data; boundary={B}";
        static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text.Replace("\n", "\r\n", StringComparison.Ordinal));
        string Field(string name, string value, string extraHeaders = "") =>
            $"--{B}\nContent-Disposition: form-data; name=\"{name}\"\n{extraHeaders}\n{value}\n";

        yield return new(Type, Bytes(""));
        yield return new(Type, Bytes($"--{B}--\n"));
        yield return new("multipart/form-data", Bytes(Field("title", "x") + $"--{B}--\n"));
        yield return new($"multipart/form-data; boundary={new string('b', 200)}", Bytes(Field("title", "x")));
        yield return new(Type, Bytes(Field("title", "x")));
        yield return new(Type, Bytes($"--{B}\n\nno headers\n--{B}--\n"));
        yield return new(Type, Bytes($"--{B}\nContent-Disposition: form-data\n\nno name\n--{B}--\n"));
        yield return new(Type, Bytes(Field("title", "x", string.Concat(Enumerable.Range(0, 20).Select(i => $"X-H{i}: v\n"))) + $"--{B}--\n"));
        yield return new(Type, Bytes(Field("title", "x", $"X-Long: {new string('a', 17 * 1024)}\n") + $"--{B}--\n"));
        yield return new(Type, Bytes(Field("tags", "\ud800x") + Field("title", "t") + $"--{B}--\n"));
        yield return new(Type, Bytes(Field("licenses", "[{\"license_type\":\"\\ud800x\",\"price\":3}]") + Field("title", "t") + $"--{B}--\n"));
        yield return new(Type, Bytes(Field("title", "\u202e\u0000") + Field("bpm", "1e309") + Field("price", "-1") + $"--{B}--\n"));
        yield return new(Type, Bytes(string.Concat(Enumerable.Range(0, 2000).Select(i => Field($"f{i.ToString(CultureInfo.InvariantCulture)}", "v"))) + $"--{B}--\n"));
        yield return new(Type, Bytes($"--{B}\nContent-Disposition: form-data; name=\"file\"; filename=\"../../x.wav\"\nContent-Type: audio/wav\n\nRIFF\n--{B}--\n"));
        yield return new(Type, Bytes($"--{B}\nContent-Disposition: form-data; name=\"file\"; filename=\"\ud800.wav\"\n\n<html>\n--{B}--\n"));
    }
}
