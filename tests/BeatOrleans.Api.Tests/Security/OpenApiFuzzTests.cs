using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace BeatOrleans.Api.Tests.Security;

/// <summary>
/// Every operation of the OpenAPI document, sent syntactically odd input: malformed and hostile JSON, wrong types,
/// huge and odd strings (lone surrogates, NUL, bidi overrides), odd path and query values, odd multipart shapes.
/// A client can send all of it; none of it may yield a 5xx.
/// </summary>
public sealed class OpenApiFuzzTests(MarketplaceHost host, ITestOutputHelper output) : IClassFixture<MarketplaceHost>
{
    private readonly HttpClient http = host.CreateClient();

    /// <summary>The host's client also fails any answer the document does not declare (<see cref="Contract.ContractRecorder"/>).</summary>
    [Fact]
    public async Task No_operation_answers_odd_input_with_a_server_error()
    {
        var document = (await http.GetFromJsonAsync<JsonObject>("/openapi/v1.json"))!;
        var account = await http.SignUp();
        var failures = new List<string>();
        var sent = 0;
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                // A fresh session per operation: a logout in the corpus must not blind the operations after it.
                var token = (await http.LogIn(account)).Token;
                foreach (var request in FuzzCorpus.Requests(document, path, method.ToUpperInvariant(), operation!.AsObject()))
                {
                    using (request)
                    {
                        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                        var description = $"{request.Method} {Shorten(request.RequestUri!.ToString())} [{request.Content?.Headers.ContentType}] {Preview(request)}";
                        sent++;
                        try
                        {
                            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                            if ((int)response.StatusCode >= 500)
                            {
                                failures.Add($"{(int)response.StatusCode} {description}");
                            }
                        }
                        catch (HttpRequestException e)
                        {
                            failures.Add($"no answer ({e.Message}) {description}");
                        }
                    }
                }
            }
        }

        output.WriteLine($"{sent} requests to {document["paths"]!.AsObject().Count} paths, {failures.Count} server errors");
        Assert.True(sent > 1000, $"only {sent} requests were sent: the corpus or the document shrank");
        Assert.True(failures.Count == 0, string.Join('\n', failures.Take(40)));
    }

    private static string Preview(HttpRequestMessage request)
    {
        var text = request.Content is StringContent or ByteArrayContent ? request.Content.ReadAsStringAsync().Result : "";
        return Shorten(text);
    }

    private static string Shorten(string text) => text.Length > 120 ? text[..120] + "..." : text;
}
