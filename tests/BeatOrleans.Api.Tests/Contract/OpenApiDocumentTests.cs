using System.Net;
using System.Text.Json.Nodes;

namespace BeatOrleans.Api.Tests.Contract;

/// <summary>
/// docs/openapi.json is the document the API serves, byte for byte. When the API changes, refresh the copy with
/// <c>BEATORLEANS_UPDATE_OPENAPI=1 dotnet test tests/BeatOrleans.Api.Tests --filter OpenApiDocumentTests</c>
/// (or <c>./scripts/lint-openapi.sh --update</c>), review its diff, and commit it with the change.
/// </summary>
public sealed class OpenApiDocumentTests(MarketplaceHost host) : IClassFixture<MarketplaceHost>
{
    public const string UpdateVariable = "BEATORLEANS_UPDATE_OPENAPI";

    private readonly HttpClient http = host.CreateClient();

    [Fact]
    public async Task Committed_document_is_the_one_the_API_serves()
    {
        var served = Normalize(await http.GetStringAsync("/openapi/v1.json"));
        var path = Path.Combine(TestServers.RepositoryRoot, OpenApiContract.DocumentPath);
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            await File.WriteAllTextAsync(path, served);
            return;
        }

        var committed = File.Exists(path) ? Normalize(await File.ReadAllTextAsync(path)) : "";
        if (committed == served)
        {
            return;
        }

        var servedLines = served.Split('\n');
        var committedLines = committed.Split('\n');
        var line = Enumerable.Range(0, Math.Max(servedLines.Length, committedLines.Length))
            .First(i => i >= servedLines.Length || i >= committedLines.Length || servedLines[i] != committedLines[i]);
        Assert.Fail($"""
            {OpenApiContract.DocumentPath} is not the document the API serves: the API changed and the copy was not refreshed.
            First difference at line {line + 1}:
              committed: {(line < committedLines.Length ? committedLines[line].Trim() : "(end of file)")}
              served:    {(line < servedLines.Length ? servedLines[line].Trim() : "(end of file)")}
            Refresh it: {UpdateVariable}=1 dotnet test tests/BeatOrleans.Api.Tests --filter OpenApiDocumentTests
            (or ./scripts/lint-openapi.sh --update), then review `git diff {OpenApiContract.DocumentPath}` and commit it.
            """);
    }

    [Fact]
    public async Task Document_describes_every_operation_once_without_the_dashboard()
    {
        var document = (await (await http.GetAsync("/openapi/v1.json")).Body(HttpStatusCode.OK));
        var operations = document["paths"]!.AsObject()
            .SelectMany(p => p.Value!.AsObject().Select(o => (Path: p.Key, Method: o.Key, Operation: o.Value!.AsObject()))).ToList();

        Assert.Equal("3.1.1", document["openapi"]!.GetValue<string>());
        Assert.DoesNotContain(operations, o => o.Path.StartsWith("/dashboard", StringComparison.Ordinal));
        var ids = operations.Select(o => o.Operation["operationId"]?.GetValue<string>()).ToList();
        Assert.All(ids, Assert.NotNull);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Contains("StreamPreviewHead", ids);
        Assert.All(operations, o => Assert.NotNull(o.Operation["security"]));
    }

    [Fact]
    public async Task Anonymous_operations_need_no_token_and_the_others_declare_401()
    {
        var document = (await (await http.GetAsync("/openapi/v1.json")).Body(HttpStatusCode.OK));
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                var requirement = operation!["security"]!.AsArray().Single()!.AsObject();
                var responses = operation["responses"]!.AsObject();
                if (requirement.Count == 0)
                {
                    Assert.False(responses.ContainsKey("401") && method != "post", $"{method} {path} is anonymous but declares 401");
                }
                else
                {
                    Assert.True(requirement.ContainsKey("Bearer"), $"{method} {path}");
                    Assert.True(responses.ContainsKey("401"), $"{method} {path} needs a token but declares no 401");
                }

                Assert.True(responses.ContainsKey("500"), $"{method} {path} declares no 500");
            }
        }
    }

    [Fact]
    public async Task Numbers_are_numbers_and_times_are_date_time_strings()
    {
        var text = await http.GetStringAsync("/openapi/v1.json");
        var document = JsonNode.Parse(text)!;
        var schemas = document["components"]!["schemas"]!.AsObject();

        // The web default (numbers also read from strings) makes every number ["number","string"] with a pattern.
        Assert.DoesNotContain("\"pattern\": \"^-?(?:0|[1-9]\\\\d*)", text, StringComparison.Ordinal);
        Assert.Equal("number", schemas["BeatResponse"]!["properties"]!["price"]!["type"]!.GetValue<string>());
        Assert.Equal("integer", schemas["TokenResponse"]!["properties"]!["expires_in"]!["type"]!.GetValue<string>());
        var created = schemas["BeatResponse"]!["properties"]!["created_at"]!;
        Assert.Equal("string", created["type"]!.GetValue<string>());
        Assert.Equal("date-time", created["format"]!.GetValue<string>());
        // Closed sets are named components every field of them references: one LicenseType in a generated client,
        // not a type per field.
        Assert.Equal(["mp3_lease", "wav_lease", "trackout", "unlimited", "exclusive"],
            schemas["LicenseType"]!["enum"]!.AsArray().Select(v => v!.GetValue<string>()));
        foreach (var record in new[] { "LicenseResponse", "PurchaseResponse", "OfferResponse", "MakeOfferRequest" })
        {
            Assert.Equal("#/components/schemas/LicenseType",
                schemas[record]!["properties"]!["license_type"]!["$ref"]!.GetValue<string>());
        }

        Assert.Equal("#/components/schemas/PurchaseStatus",
            schemas["PurchaseResponse"]!["properties"]!["status"]!["$ref"]!.GetValue<string>());
        Assert.DoesNotContain("\"enum\"", string.Join("", schemas.Where(s => s.Value!["enum"] is null)
            .Select(s => s.Value!.ToJsonString())), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_file_part_is_a_binary_string_that_client_generators_can_send_as_bytes()
    {
        var document = JsonNode.Parse(await http.GetStringAsync("/openapi/v1.json"))!;
        var schemas = document["components"]!["schemas"]!.AsObject();

        var parts = new[] { ("BeatUploadForm", "file"), ("BeatUploadForm", "stems"), ("VoiceTagUploadForm", "file") };
        foreach (var (form, part) in parts)
        {
            var schema = schemas[form]!["properties"]![part]!;
            Assert.Equal("string", schema["type"]?.GetValue<string>());
            Assert.Equal("binary", schema["format"]?.GetValue<string>());
            Assert.NotNull(schema["contentMediaType"]);
        }
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd() + "\n";
}
