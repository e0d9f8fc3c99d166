using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace BeatOrleans.Api.Tests.Security;

/// <summary>The inputs a black-box test found answered with 500: each now a 400 naming what is wrong.</summary>
public sealed class MalformedInputTests(MarketplaceHost host) : IClassFixture<MarketplaceHost>
{
    private readonly HttpClient http = host.CreateClient();

    [Fact]
    public async Task Control_characters_and_bidirectional_overrides_are_refused_in_bios_chat_messages_and_offers()
    {
        var producer = await http.LogIn(await http.SignUp());
        var buyer = await http.LogIn(await http.SignUp());
        var beat = await http.ReadyBeat(producer.Token);
        var profile = await http.Send(HttpMethod.Get, "/api/users/profile", producer.Token);
        var receiver = (await profile.Body(HttpStatusCode.OK))["username"]!.GetValue<string>();

        var bio = await http.Send(HttpMethod.Put, "/api/users/profile/update", buyer.Token, new { bio = "\u202eexe" });
        var nul = await Chat(buyer.Token, new { receiver, message = "a\u0000" });
        var escape = await Chat(buyer.Token, new { receiver, message = "\u001b[2J" });
        var offer = await http.MakeOffer(buyer.Token, beat.Id(), "mp3_lease", 20m, "pay \u202eevil");

        Assert.True((await bio.Problem(HttpStatusCode.BadRequest))["errors"]!.AsObject().ContainsKey("bio"));
        await nul.Problem(HttpStatusCode.BadRequest);
        await escape.Problem(HttpStatusCode.BadRequest);
        Assert.True((await offer.Problem(HttpStatusCode.BadRequest))["errors"]!.AsObject().ContainsKey("message"));
        // Line breaks and tabs are text.
        var lines = new { receiver, message = "first line\n\tsecond line" };
        await (await Chat(buyer.Token, lines)).Body(HttpStatusCode.Created);
    }

    [Theory]
    [InlineData("/api/users/signup", "{\"username\":5,\"email\":\"a@example.com\",\"password\":\"x\"}", "username")]
    [InlineData("/api/users/login", "{\"email\":[\"a@example.com\"],\"password\":\"x\"}", "email")]
    [InlineData("/api/users/refresh", "{\"refresh_token\":{\"a\":1}}", "refresh_token")]
    public async Task A_field_of_the_wrong_type_is_named_in_errors_as_the_other_field_checks_name_it(
        string path, string body, string field)
    {
        var problem = await (await http.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json")))
            .Problem(HttpStatusCode.BadRequest);

        Assert.Contains("wrong type", problem["errors"]![field]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("wrong type", problem.Str("detail"), StringComparison.Ordinal);
        // Malformed JSON names no field.
        var broken = await (await http.PostAsync(path, new StringContent("{\"email\":", Encoding.UTF8,
            "application/json"))).Problem(HttpStatusCode.BadRequest);
        Assert.Null(broken["errors"]);
    }

    [Fact]
    public async Task A_client_that_accepts_only_html_still_gets_each_refusal_as_a_problem_never_a_500()
    {
        async Task<HttpResponseMessage> Html(
            HttpMethod method, string path, HttpContent? body = null, string? host = null)
        {
            using var request = new HttpRequestMessage(method, path) { Content = body };
            request.Headers.Accept.ParseAdd("text/html");
            if (host is not null)
            {
                request.Headers.Host = host;
            }

            return await http.SendAsync(request);
        }

        var anonymous = await (await Html(HttpMethod.Get, "/api/users/profile")).Problem(HttpStatusCode.Unauthorized);
        Assert.Equal(401, anonymous["status"]!.GetValue<int>());
        await (await Html(HttpMethod.Get, "/api/users/profile", host: "evil.example"))
            .Problem(HttpStatusCode.BadRequest);
        await (await Html(HttpMethod.Get, "/api/no-such-thing")).Problem(HttpStatusCode.NotFound);
        await (await Html(HttpMethod.Delete, "/api/beats")).Problem(HttpStatusCode.MethodNotAllowed);
        var broken = await (await Html(HttpMethod.Post, "/api/users/login",
            new StringContent("{\"email\":", Encoding.UTF8, "application/json"))).Problem(HttpStatusCode.BadRequest);
        Assert.False(string.IsNullOrEmpty(broken.Str("detail")));
    }

    private Task<HttpResponseMessage> Chat(string token, object body) =>
        http.Send(HttpMethod.Post, "/api/chat/send", token, body);

    [Fact]
    public async Task A_title_or_tag_of_only_invisible_characters_or_with_a_line_separator_is_a_field_error()
    {
        var token = (await http.LogIn(await http.SignUp())).Token;

        const string upload = "/api/beats/upload";
        var invisible = await PostRaw(upload, token, """{"title":"\u200b\u2060","file_url":"http://x/"}""");
        var separator = await PostRaw(upload, token, """{"title":"a\u2028b","file_url":"http://x/"}""");
        var tag = await PostRaw(upload, token, """{"title":"t","file_url":"http://x/","tags":["\u200b","ok"]}""");

        Assert.True((await invisible.Problem(HttpStatusCode.BadRequest))["errors"]!.AsObject().ContainsKey("title"));
        Assert.True((await separator.Problem(HttpStatusCode.BadRequest))["errors"]!.AsObject().ContainsKey("title"));
        Assert.True((await tag.Problem(HttpStatusCode.BadRequest))["errors"]!.AsObject().ContainsKey("tags"));
    }

    [Fact]
    public async Task An_unpaired_surrogate_in_a_json_upload_is_a_field_error()
    {
        var token = (await http.LogIn(await http.SignUp())).Token;

        var tags = await PostRaw("/api/beats/upload", token, """{"title":"t","file_url":"http://x/","tags":["\ud800x"]}""");
        var licenses = await PostRaw("/api/beats/upload", token, """{"title":"t","file_url":"http://x/","licenses":[{"license_type":"\ud800x","price":3}]}""");

        Assert.True((await tags.Problem(HttpStatusCode.BadRequest))["errors"]!.AsObject().ContainsKey("tags"));
        Assert.True((await licenses.Problem(HttpStatusCode.BadRequest))["errors"]!.AsObject().ContainsKey("licenses"));
    }

    [Fact]
    public async Task An_unpaired_surrogate_in_multipart_licenses_or_a_licence_edit_is_a_field_error()
    {
        var token = (await http.LogIn(await http.SignUp())).Token;
        var wav = await File.ReadAllBytesAsync(await Audio.Tone(220, 2, "wav"));
        var multipart = await http.Upload(token, wav, "beat.wav", new() { ["title"] = "t", ["licenses"] = """[{"license_type":"\ud800x","price":3}]""" });
        Assert.True((await multipart.Problem(HttpStatusCode.BadRequest))["errors"]!.AsObject().ContainsKey("licenses"));

        var beat = await (await http.Upload(token, wav, "beat.wav", new() { ["title"] = "Surrogates" })).Body(HttpStatusCode.Accepted);
        using var edit = new HttpRequestMessage(HttpMethod.Put, $"/api/beats/{beat.Id()}/licenses")
        {
            Content = new StringContent("""{"licenses":[{"license_type":"\ud800x","price":3}]}""", Encoding.UTF8, "application/json"),
        };
        edit.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Assert.True((await (await http.SendAsync(edit)).Problem(HttpStatusCode.BadRequest))["errors"]!.AsObject().ContainsKey("licenses"));
    }

    [Fact]
    public async Task A_body_naming_a_field_twice_is_refused_and_buys_nothing()
    {
        var producer = (await http.LogIn(await http.SignUp())).Token;
        var buyer = (await http.LogIn(await http.SignUp())).Token;
        var (first, second) = (await http.ReadyBeat(producer), await http.ReadyBeat(producer));
        using var order = new HttpRequestMessage(HttpMethod.Post, "/api/purchases")
        {
            Content = new StringContent(
                $$"""{"beat_id":"{{first.Id()}}","beat_id":"{{second.Id()}}","license_type":"mp3_lease"}""",
                Encoding.UTF8, "application/json"),
        };
        order.Headers.Authorization = new AuthenticationHeaderValue("Bearer", buyer);

        await (await http.SendAsync(order)).Problem(HttpStatusCode.BadRequest);
        var mine = await (await http.Send(HttpMethod.Get, "/api/purchases", buyer)).Body(HttpStatusCode.OK);
        Assert.Empty(mine["purchases"]!.AsArray());

        // The same inside a licence tier of an edit.
        using var edit = new HttpRequestMessage(HttpMethod.Put, $"/api/beats/{first.Id()}/licenses")
        {
            Content = new StringContent("""{"licenses":[{"license_type":"mp3_lease","price":30,"price":1}]}""",
                Encoding.UTF8, "application/json"),
        };
        edit.Headers.Authorization = new AuthenticationHeaderValue("Bearer", producer);
        await (await http.SendAsync(edit)).Problem(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("\u202eexe.3pm")]
    [InlineData("a\u0000b")]
    public async Task A_title_with_control_or_bidi_override_characters_is_refused(string title)
    {
        var token = (await http.LogIn(await http.SignUp())).Token;
        var wav = await File.ReadAllBytesAsync(await Audio.Tone(220, 1, "wav"));

        var response = await http.Upload(token, wav, "beat.wav", new() { ["title"] = title });

        Assert.True((await response.Problem(HttpStatusCode.BadRequest))["errors"]!.AsObject().ContainsKey("title"));
    }

    [Theory]
    [InlineData(20, 10)]
    [InlineData(1, 17 * 1024)]
    public async Task A_multipart_part_with_too_many_or_too_long_headers_is_a_400(int headers, int length)
    {
        var token = (await http.LogIn(await http.SignUp())).Token;
        var extra = string.Concat(Enumerable.Range(0, headers).Select(i => $"X-Header-{i}: {new string('v', length)}\r\n"));
        var body = $"--b\r\nContent-Disposition: form-data; name=\"title\"\r\n{extra}\r\nx\r\n--b--\r\n";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/beats/upload") { Content = new StringContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=b");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var problem = await (await http.SendAsync(request)).Problem(HttpStatusCode.BadRequest);

        Assert.Contains("multipart", problem["title"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("bogus")]
    [InlineData("utf-7")]
    public async Task A_json_body_in_a_charset_the_api_cannot_read_is_415_for_any_caller(string charset)
    {
        var token = (await http.LogIn(await http.SignUp())).Token;

        foreach (var (path, bearer) in new[] { ("/api/users/login", (string?)null), ("/api/chat/send", token) })
        {
            var content = new StringContent("""{"email":"a@b.co","password":"xxxxxxxxx"}""");
            content.Headers.ContentType = MediaTypeHeaderValue.Parse($"application/json; charset={charset}");

            var problem = await (await Post(path, bearer, content)).Problem(HttpStatusCode.UnsupportedMediaType);
            Assert.Contains("UTF-8", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("null")]
    public async Task An_empty_or_null_json_body_is_a_400_in_the_apis_words(string body)
    {
        var token = (await http.LogIn(await http.SignUp())).Token;

        foreach (var (path, bearer) in new[] { ("/api/users/signup", (string?)null), ("/api/purchases", token) })
        {
            var content = new StringContent(body, Encoding.UTF8, "application/json");

            var problem = await (await Post(path, bearer, content)).Problem(HttpStatusCode.BadRequest);
            Assert.Equal("The request body is missing.", problem["title"]!.GetValue<string>());
            Assert.DoesNotContain("Implicit body", problem.ToJsonString(), StringComparison.Ordinal);
        }
    }

    /// <summary>A POST with this content, signed in when <paramref name="bearer"/> is given.</summary>
    private async Task<HttpResponseMessage> Post(string path, string? bearer, HttpContent content)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return await http.SendAsync(request);
    }

    private async Task<HttpResponseMessage> PostRaw(string path, string token, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await http.SendAsync(request);
    }
}

/// <summary>A deliverable is the audio alone, sent as a download, whatever bytes the producer's upload carried.</summary>
public sealed class DeliverableTests(MarketplaceHost host) : IClassFixture<MarketplaceHost>
{
    private readonly HttpClient http = host.CreateClient();

    [Fact]
    public async Task A_wav_with_html_appended_is_delivered_without_it_as_an_attachment()
    {
        var producer = (await http.LogIn(await http.SignUp())).Token;
        var buyer = (await http.LogIn(await http.SignUp())).Token;
        var html = "<html><script>alert(document.cookie)</script></html>"u8.ToArray();
        var wav = (await File.ReadAllBytesAsync(await Audio.Tone(220, 2, "wav"))).Concat(html).ToArray();
        var beat = await (await http.Upload(producer, wav, "beat.wav", new() { ["title"] = "Polyglot" })).Body(HttpStatusCode.Accepted);
        Assert.Equal("ready", (await http.WaitUntilProcessed(beat.Id()))["status"]!.GetValue<string>());
        var purchase = await http.BuyAndPay(buyer, beat.Id(), "wav_lease");

        var download = await (await http.Send(HttpMethod.Get, $"/api/purchases/{purchase.PurchaseId()}/download", buyer)).Body(HttpStatusCode.OK);
        var file = await http.GetAsync(download["download_url"]!.GetValue<string>());
        var bytes = await file.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.Equal("attachment", file.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("nosniff", Assert.Single(file.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("RIFF", Encoding.ASCII.GetString(bytes, 0, 4));
        Assert.DoesNotContain("<html>", Encoding.Latin1.GetString(bytes), StringComparison.Ordinal);
    }
}
