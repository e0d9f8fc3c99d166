using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BeatOrleans.Api.Tests;

namespace BeatOrleans.Api.Tests.Contract;

/// <summary>
/// A walk through every operation of the OpenAPI document, as a producer, a buyer and a stranger would use them, with
/// the common refusals: every answer must be one the document declares, every JSON body valid against its schema
/// (checked by the host's <see cref="ContractRecorder"/>), and every operation reached. Live frames (WebSocket and
/// SignalR) are checked against the AsyncAPI document.
/// </summary>
public sealed class ContractWalkTests(MarketplaceHost host) : IClassFixture<MarketplaceHost>
{
    private static readonly string Unknown = new('0', 32);

    private readonly HttpClient http = host.CreateClient();

    [Fact]
    public async Task Every_operation_answers_as_the_documents_say()
    {
        // Users
        await (await http.PostAsJsonAsync("/api/users/signup", new { username = "x", email = "nope", password = "short" })).Problem(HttpStatusCode.BadRequest);
        var producerAccount = await http.SignUp();
        var buyerAccount = await http.SignUp();
        await (await http.PostAsJsonAsync("/api/users/signup", new { username = producerAccount.Username, email = "other@example.com", password = ApiClient.Password }))
            .Problem(HttpStatusCode.Conflict);
        var producer = await http.LogIn(producerAccount);
        var buyer = await http.LogIn(buyerAccount);
        await (await http.PostAsJsonAsync("/api/users/login", new { email = buyerAccount.Email, password = "wrong-password-123" })).Problem(HttpStatusCode.Unauthorized);
        var refreshed = await (await http.PostAsJsonAsync("/api/users/refresh", new { refresh_token = buyer.RefreshToken })).Body(HttpStatusCode.OK);
        var buyerToken = refreshed["token"]!.GetValue<string>();
        await (await http.PostAsJsonAsync("/api/users/refresh", new { refresh_token = "nonsense" })).Problem(HttpStatusCode.Unauthorized);
        // Expect: 100-continue, so the 413 (decided from Content-Length) arrives before any of the body is sent.
        using (var large = new HttpRequestMessage(HttpMethod.Post, "/api/users/refresh") { Content = new StringContent($$"""{"refresh_token":"{{new string('x', 2 * 1024 * 1024)}}"}""", System.Text.Encoding.UTF8, "application/json") })
        {
            large.Headers.ExpectContinue = true;
            await (await http.SendAsync(large)).Problem(HttpStatusCode.RequestEntityTooLarge);
        }

        await (await http.GetAsync("/api/users/profile")).Problem(HttpStatusCode.Unauthorized);
        await (await http.Send(HttpMethod.Get, "/api/users/profile", producer.Token)).Body(HttpStatusCode.OK);
        await (await http.Send(HttpMethod.Put, "/api/users/profile/update", producer.Token, new { bio = "Trap producer." })).Body(HttpStatusCode.OK);
        await (await http.Send(HttpMethod.Put, "/api/users/profile/update", producer.Token, new { username = "?" })).Problem(HttpStatusCode.BadRequest);
        await (await http.Send(HttpMethod.Get, $"/api/users/{producer.UserId}", buyerToken)).Body(HttpStatusCode.OK);
        await (await http.Send(HttpMethod.Get, $"/api/users/{Unknown}", buyerToken)).Problem(HttpStatusCode.NotFound);

        // Beats: a voice tag, a multipart upload, and the seed's JSON upload through an upload URL
        var tone = await File.ReadAllBytesAsync(await Audio.Tone(330, 3, "wav"));
        await (await SendForm("/api/users/profile/voice-tag", producer.Token, ("file", tone, "tag.wav"))).Body(HttpStatusCode.OK);
        await (await SendForm("/api/users/profile/voice-tag", producer.Token, ("file", "<html>"u8.ToArray(), "tag.wav"))).Problem(HttpStatusCode.UnsupportedMediaType);
        var beat = await (await http.Upload(producer.Token, tone, "beat.wav", new() { ["title"] = "Contract walk", ["genre"] = "trap", ["bpm"] = "140", ["tags"] = "dark,808" }))
            .Body(HttpStatusCode.Accepted);
        await (await http.Upload(producer.Token, tone, "beat.wav", new() { ["genre"] = "no title" })).Problem(HttpStatusCode.BadRequest);
        var beatId = beat.Id();
        var slot = await (await http.Send(HttpMethod.Post, "/api/beats/upload-url", producer.Token)).Body(HttpStatusCode.OK);
        using (var put = new HttpRequestMessage(HttpMethod.Put, slot["upload_url"]!.GetValue<string>()) { Content = new ByteArrayContent(tone) })
        {
            await (await http.SendAsync(put)).Body(HttpStatusCode.OK);
        }

        await (await http.PutAsync($"/api/beats/uploads/{Unknown}?user={Unknown}&exp=1&sig=x", new ByteArrayContent(tone))).Problem(HttpStatusCode.Forbidden);
        var seeded = await (await http.Send(HttpMethod.Post, "/api/beats/upload", producer.Token,
            new { title = "Seed form", file_url = slot["file_url"]!.GetValue<string>(), price = 19.99 })).Body(HttpStatusCode.Accepted);
        // The same form as its own operation, for generated clients (one content type per operation).
        var slot2 = await (await http.Send(HttpMethod.Post, "/api/beats/upload-url", producer.Token))
            .Body(HttpStatusCode.OK);
        using (var put = new HttpRequestMessage(HttpMethod.Put, slot2["upload_url"]!.GetValue<string>())
        {
            Content = new ByteArrayContent(tone),
        })
        {
            await (await http.SendAsync(put)).Body(HttpStatusCode.OK);
        }

        var generated = await (await http.Send(HttpMethod.Post, "/api/beats/upload/json", producer.Token,
            new { title = "Generated form", file_url = slot2["file_url"]!.GetValue<string>() }))
            .Body(HttpStatusCode.Accepted);
        var form = new Dictionary<string, string> { ["title"] = "Form to JSON" };
        await (await http.Upload(producer.Token, tone, "beat.wav", form, path: "/api/beats/upload/json"))
            .Problem(HttpStatusCode.UnsupportedMediaType);
        Assert.Equal("ready", (await http.WaitUntilProcessed(beatId))["status"]!.GetValue<string>());
        await http.WaitUntilProcessed(seeded.Id());
        await http.WaitUntilProcessed(generated.Id());

        await http.SearchUntil("q=contract&sort=newest&limit=5", items => items.Count == 1);
        await (await http.GetAsync("/api/beats?sort=loudest")).Problem(HttpStatusCode.BadRequest);
        await (await http.GetAsync($"/api/beats/{Unknown}")).Problem(HttpStatusCode.NotFound);
        await (await http.GetAsync($"/api/beats/{beatId}/waveform")).Body(HttpStatusCode.OK);
        await (await http.Send(HttpMethod.Get, "/api/beats/mine", producer.Token)).Body(HttpStatusCode.OK);
        await (await http.Send(HttpMethod.Get, "/api/beats/mine?cursor=x", producer.Token))
            .Problem(HttpStatusCode.BadRequest);
        await (await http.GetAsync($"/api/beats/{Unknown}/waveform")).Problem(HttpStatusCode.NotFound);
        await (await http.GetAsync($"/api/beats/stream/{Unknown}")).Problem(HttpStatusCode.NotFound);
        var streamUrl = await http.StreamUrl(beatId);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(streamUrl)).StatusCode);
        Assert.Equal(HttpStatusCode.PartialContent, (await http.GetWithRange(streamUrl, "bytes=0-99")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, streamUrl))).StatusCode);
        await (await http.GetAsync($"/api/beats/stream/{beatId}/preview?play={Unknown}&exp=1&sig=x")).Problem(HttpStatusCode.Forbidden);

        // Purchasing
        await (await http.GetAsync($"/api/beats/{beatId}/licenses")).Body(HttpStatusCode.OK);
        var tiers = new { licenses = new object[] { new { license_type = "mp3_lease", price = 19.99 }, new { license_type = "exclusive", price = 600 } } };
        await (await http.Send(HttpMethod.Put, $"/api/beats/{beatId}/licenses", producer.Token, tiers)).Body(HttpStatusCode.OK);
        await (await http.Send(HttpMethod.Put, $"/api/beats/{beatId}/licenses", buyerToken, tiers)).Problem(HttpStatusCode.Forbidden);
        await (await http.Send(HttpMethod.Put, $"/api/beats/{beatId}/licenses", producer.Token, new { licenses = "all" })).Problem(HttpStatusCode.BadRequest);
        var details = new { title = "Walked, renamed", key = "F minor", tags = new[] { "walk" } };
        await (await http.Send(HttpMethod.Patch, $"/api/beats/{beatId}", producer.Token, details))
            .Body(HttpStatusCode.OK);
        await (await http.Send(HttpMethod.Patch, $"/api/beats/{beatId}", buyerToken, details))
            .Problem(HttpStatusCode.Forbidden);
        await (await http.Send(HttpMethod.Patch, $"/api/beats/{beatId}", producer.Token, new { bpm = 9000 }))
            .Problem(HttpStatusCode.BadRequest);
        await (await http.Send(HttpMethod.Patch, $"/api/beats/{Guid.NewGuid():N}", producer.Token, details))
            .Problem(HttpStatusCode.NotFound);
        var cover = await (await http.PutCover(producer.Token, beatId, await Images.Picture(400, 400, "png")))
            .Body(HttpStatusCode.OK);
        await (await http.PutCover(buyerToken, beatId, await Images.Picture(400, 400, "png")))
            .Problem(HttpStatusCode.Forbidden);
        await (await http.PutCover(producer.Token, beatId, tone)).Problem(HttpStatusCode.UnsupportedMediaType);
        await (await http.PutCover(producer.Token, beatId, await Images.Picture(100, 100, "png")))
            .Problem(HttpStatusCode.UnprocessableEntity);
        var coverUrl = cover["cover_url"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(coverUrl)).StatusCode);
        using (var head = new HttpRequestMessage(HttpMethod.Head, coverUrl))
        {
            Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(head)).StatusCode);
        }

        await (await http.GetAsync($"/api/beats/{beatId}/cover/{Unknown}-small.jpg")).Problem(HttpStatusCode.NotFound);
        await (await http.Send(HttpMethod.Delete, $"/api/beats/{seeded.Id()}/cover", producer.Token))
            .Body(HttpStatusCode.OK);
        await (await http.Send(HttpMethod.Delete, $"/api/beats/{beatId}/cover", buyerToken))
            .Problem(HttpStatusCode.Forbidden);
        var stems = new byte[] { 0x50, 0x4B, 0x05, 0x06, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
        await (await http.PutStems(producer.Token, beatId, stems)).Body(HttpStatusCode.OK);
        await (await http.PutStems(buyerToken, beatId, stems)).Problem(HttpStatusCode.Forbidden);
        await (await http.PutStems(producer.Token, beatId, tone)).Problem(HttpStatusCode.UnsupportedMediaType);
        await (await http.Buy(buyerToken, Unknown, "mp3_lease")).Problem(HttpStatusCode.NotFound);
        await (await http.Buy(buyerToken, beatId, "platinum")).Problem(HttpStatusCode.BadRequest);
        var declined = await (await http.Buy(buyerToken, beatId, "exclusive", idempotencyKey: Guid.NewGuid().ToString())).Body(HttpStatusCode.Created);
        await (await http.Confirm(buyerToken, declined.PurchaseId(), "pm_card_chargeDeclined")).Body(HttpStatusCode.PaymentRequired);
        var lease = await (await http.Buy(buyerToken, beatId, "mp3_lease")).Body(HttpStatusCode.Created);
        await (await http.Confirm(buyerToken, lease.PurchaseId())).Body(HttpStatusCode.OK);
        await (await http.Confirm(buyerToken, Unknown)).Problem(HttpStatusCode.NotFound);
        await http.Purchase(buyerToken, lease.PurchaseId());
        await (await http.Send(HttpMethod.Get, $"/api/purchases/{Unknown}", buyerToken)).Problem(HttpStatusCode.NotFound);
        await (await http.Send(HttpMethod.Get, "/api/purchases?limit=5", buyerToken)).Body(HttpStatusCode.OK);
        await (await http.Send(HttpMethod.Get, "/api/purchases?limit=0", buyerToken)).Problem(HttpStatusCode.BadRequest);
        var download = await (await http.Send(HttpMethod.Get, $"/api/purchases/{lease.PurchaseId()}/download", buyerToken)).Body(HttpStatusCode.OK);
        await (await http.Send(HttpMethod.Get, $"/api/purchases/{declined.PurchaseId()}/download", buyerToken)).Problem(HttpStatusCode.Conflict);
        var fileUrl = download["download_url"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(fileUrl)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, fileUrl))).StatusCode);
        await (await http.GetAsync($"/api/purchases/{Unknown}/files/mp3?exp=1&sig=x")).Problem(HttpStatusCode.Forbidden);
        await (await http.Send(HttpMethod.Get, "/api/sales", producer.Token)).Body(HttpStatusCode.OK);
        await (await http.PostAsJsonAsync("/api/payments/stripe/webhook", new { id = "evt_1" })).Problem(HttpStatusCode.NotFound);

        // Offers, coupons and the licence agreement
        var offer = await (await http.MakeOffer(buyerToken, beatId, "mp3_lease", 15m, "15?")).Body(HttpStatusCode.Created);
        await (await http.MakeOffer(buyerToken, beatId, "mp3_lease", -1m)).Problem(HttpStatusCode.BadRequest);
        await (await http.MakeOffer(buyerToken, Unknown, "mp3_lease", 15m)).Problem(HttpStatusCode.NotFound);
        await http.Offer(producer.Token, offer.OfferId());
        await (await http.Send(HttpMethod.Get, $"/api/offers/{Unknown}", producer.Token)).Problem(HttpStatusCode.NotFound);
        var counterOffer = await (await http.CounterOffer(producer.Token, offer.OfferId(), 18m)).Body(HttpStatusCode.Created);
        await (await http.CounterOffer(producer.Token, offer.OfferId(), 18m)).Problem(HttpStatusCode.Conflict);
        await (await http.AnswerOffer(buyerToken, counterOffer.OfferId(), "accept")).Body(HttpStatusCode.OK);
        await (await http.AnswerOffer(buyerToken, counterOffer.OfferId(), "decline")).Problem(HttpStatusCode.Conflict);
        var declinedOffer = await (await http.MakeOffer(buyerToken, beatId, "mp3_lease", 10m)).Body(HttpStatusCode.Created);
        await (await http.AnswerOffer(buyerToken, declinedOffer.OfferId(), "decline")).Problem(HttpStatusCode.Forbidden);
        await (await http.AnswerOffer(producer.Token, declinedOffer.OfferId(), "decline")).Body(HttpStatusCode.OK);
        var withdrawn = await (await http.MakeOffer(buyerToken, beatId, "mp3_lease", 11m)).Body(HttpStatusCode.Created);
        await (await http.AnswerOffer(buyerToken, withdrawn.OfferId(), "withdraw")).Body(HttpStatusCode.OK);
        await (await http.AnswerOffer(producer.Token, Unknown, "withdraw")).Problem(HttpStatusCode.NotFound);
        var walkCode = $"WALK{Guid.NewGuid():N}"[..12].ToUpperInvariant();
        await (await http.CreateCoupon(producer.Token, new { code = walkCode, percent_off = 10, license_types = new[] { "mp3_lease" } })).Body(HttpStatusCode.Created);
        await (await http.CreateCoupon(producer.Token, new { code = walkCode, percent_off = 10 })).Problem(HttpStatusCode.Conflict);
        await (await http.CreateCoupon(producer.Token, new { code = "?" })).Problem(HttpStatusCode.BadRequest);
        await (await http.Send(HttpMethod.Get, "/api/coupons", producer.Token)).Body(HttpStatusCode.OK);
        await (await http.Send(HttpMethod.Get, $"/api/coupons/{walkCode}", producer.Token)).Body(HttpStatusCode.OK);
        await (await http.Send(HttpMethod.Get, "/api/coupons/NO-SUCH-CODE", producer.Token)).Problem(HttpStatusCode.NotFound);
        var offered = await (await http.Buy(buyerToken, beatId, "mp3_lease")).Body(HttpStatusCode.Created);
        Assert.Equal(counterOffer.OfferId(), offered.Str("offer_id"));
        await (await http.BuyWith(buyerToken, beatId, "mp3_lease", coupon: walkCode)).Body(HttpStatusCode.Created);
        await (await http.BuyWith(buyerToken, beatId, "mp3_lease", coupon: "NO-SUCH-CODE")).Problem(HttpStatusCode.BadRequest);
        await (await http.Send(HttpMethod.Delete, $"/api/coupons/{walkCode}", producer.Token)).Body(HttpStatusCode.OK);
        await (await http.Send(HttpMethod.Delete, $"/api/coupons/{walkCode}", producer.Token)).Problem(HttpStatusCode.NotFound);
        var agreement = await http.Send(HttpMethod.Get, $"/api/purchases/{lease.PurchaseId()}/license.pdf", buyerToken);
        Assert.Equal(HttpStatusCode.OK, agreement.StatusCode);
        await (await http.Send(HttpMethod.Get, $"/api/purchases/{declined.PurchaseId()}/license.pdf", buyerToken)).Problem(HttpStatusCode.Conflict);
        await (await http.Send(HttpMethod.Get, $"/api/purchases/{Unknown}/license.pdf", buyerToken)).Problem(HttpStatusCode.NotFound);

        // Chat and notifications, with the producer's live connections listening
        var (socket, frames) = await LiveClients.ConnectSocket(host.BaseAddress, $"/ws/chat/{producer.UserId}", producer.Token, "chat");
        var (notificationSocket, notificationFrames) = await LiveClients.ConnectSocket(host.BaseAddress, $"/ws/notifications/{producer.UserId}", producer.Token, "notification");
        var (hub, pushed) = await LiveClients.ConnectHub(host.BaseAddress, producer.Token);
        await using (hub)
        using (socket)
        using (notificationSocket)
        {
            var sent = await (await http.Send(HttpMethod.Post, "/api/chat/send", buyerToken, new { receiver = producerAccount.Username, message = "Is the exclusive open?" }))
                .Body(HttpStatusCode.Created);
            AssertValid("RealTimeMessage", await frames.First("chat"));
            AssertValid("RealTimeMessage", await pushed.First("ReceiveMessage"));
            AssertValid("RealTimeNotification", await notificationFrames.First("notification", n => n["kind"]?.GetValue<string>() == "message"));
            AssertValid("RealTimeNotification", await pushed.First("ReceiveNotification"));
            await (await http.Send(HttpMethod.Post, "/api/chat/send", buyerToken, new { receiver = "nobody_here_at_all", message = "hi" })).Problem(HttpStatusCode.NotFound);
            await (await http.Send(HttpMethod.Post, "/api/chat/send", buyerToken, new { receiver = producerAccount.Username, message = "" })).Problem(HttpStatusCode.BadRequest);
            var chatId = sent["chat_id"]!.GetValue<string>();
            await (await http.Send(HttpMethod.Get, $"/api/chat/messages/{chatId}?limit=10", producer.Token)).Body(HttpStatusCode.OK);
            await (await http.Send(HttpMethod.Get, $"/api/chat/messages/{Unknown}", producer.Token)).Problem(HttpStatusCode.Forbidden);
            await (await http.Send(HttpMethod.Get, $"/api/chat/history/{producer.UserId}", producer.Token)).Body(HttpStatusCode.OK);
            await (await http.Send(HttpMethod.Get, $"/api/chat/history/{producer.UserId}", buyerToken)).Problem(HttpStatusCode.Forbidden);
            await (await http.Send(HttpMethod.Post, $"/api/chat/messages/{chatId}/read", producer.Token,
                new { message_id = sent["message_id"]!.GetValue<string>() })).Body(HttpStatusCode.OK);
            await (await http.Send(HttpMethod.Post, $"/api/chat/messages/{chatId}/read", producer.Token,
                new { message_id = "x" })).Problem(HttpStatusCode.BadRequest);
            await (await http.Send(HttpMethod.Post, $"/api/chat/messages/{Unknown}/read", producer.Token, new { }))
                .Problem(HttpStatusCode.Forbidden);
        }

        var inbox = await (await http.Send(HttpMethod.Get, "/api/notifications?status=unread&limit=50", producer.Token)).Body(HttpStatusCode.OK);
        await (await http.Send(HttpMethod.Get, "/api/notifications?status=old", producer.Token)).Problem(HttpStatusCode.BadRequest);
        var first = inbox["notifications"]!.AsArray()[0]!["notification_id"]!.GetValue<string>();
        await (await http.Send(HttpMethod.Post, "/api/notifications/mark-as-read", producer.Token, new { notification_id = first })).Body(HttpStatusCode.OK);
        await (await http.Send(HttpMethod.Post, "/api/notifications/mark-as-read", producer.Token, new { notification_id = Unknown })).Problem(HttpStatusCode.NotFound);
        await (await http.Send(HttpMethod.Post, "/api/notifications/mark-as-read", producer.Token, new { all = true })).Body(HttpStatusCode.OK);

        // Removing a beat, and ending a session
        await (await http.Send(HttpMethod.Delete, $"/api/beats/{seeded.Id()}/delete", buyerToken)).Problem(HttpStatusCode.Forbidden);
        await (await http.Send(HttpMethod.Delete, $"/api/beats/{seeded.Id()}/delete", producer.Token)).Body(HttpStatusCode.OK);
        await (await http.GetAsync($"/api/beats/{seeded.Id()}")).Problem(HttpStatusCode.NotFound);
        var session = await http.LogIn(buyerAccount);
        await (await http.Send(HttpMethod.Post, "/api/users/logout", session.Token, new { })).Body(HttpStatusCode.OK);
        await (await http.Send(HttpMethod.Get, "/api/users/profile", session.Token)).Problem(HttpStatusCode.Unauthorized);
        var kept = await http.LogIn(buyerAccount);
        var other = await http.LogIn(buyerAccount);
        var guess = new { current_password = "wrong", new_password = "another passphrase 9" };
        var renewal = new { current_password = buyerAccount.Password, new_password = "another passphrase 9" };
        await (await http.Send(HttpMethod.Post, "/api/users/profile/password", kept.Token, guess))
            .Problem(HttpStatusCode.BadRequest);
        await (await http.Send(HttpMethod.Post, "/api/users/profile/password", kept.Token, renewal))
            .Body(HttpStatusCode.OK);
        await (await http.Send(HttpMethod.Get, "/api/users/profile", other.Token)).Problem(HttpStatusCode.Unauthorized);
        await (await http.Send(HttpMethod.Post, "/api/users/logout/all", kept.Token)).Body(HttpStatusCode.OK);
        await (await http.Send(HttpMethod.Post, "/api/users/logout/all", kept.Token))
            .Problem(HttpStatusCode.Unauthorized);

        Assert.True(host.Contract.Answers.Count(a => a.MediaType is "application/json" or "application/problem+json") > 60,
            $"only {host.Contract.Answers.Count} answers were checked");
        var reached = host.Contract.Answers.Select(a => (a.Method, a.Template)).ToHashSet();
        var missed = OpenApiContract.Load().Operations.Where(o => !reached.Contains(o)).Select(o => $"{o.Method} {o.Template}").ToList();
        Assert.True(missed.Count == 0, $"not reached: {string.Join(", ", missed)}");
    }

    [Fact]
    public void The_check_refuses_an_answer_the_document_does_not_declare()
    {
        var contract = OpenApiContract.Load();
        Assert.Equal("/api/beats/upload-url", contract.Match("POST", "/api/beats/upload-url"));
        Assert.Equal("/api/beats/{beat_id}", contract.Match("GET", $"/api/beats/{Unknown}"));
        Assert.Null(contract.Match("GET", "/dashboard"));
        Assert.Contains("not declared", contract.Check("GET", "/api/beats/{beat_id}", 418, null, null));
        Assert.Contains("Location", contract.Check("POST", "/api/users/signup", 201, null, null, new HashSet<string>()));
        Assert.Contains("does not match", contract.Check("GET", "/api/beats/{beat_id}", 200, "application/json", $$"""{"beat_id":"{{Unknown}}","price":"29.99"}"""));
        Assert.Contains("does not match", contract.Check("GET", "/api/beats/{beat_id}", 404, "application/problem+json", """{"status":"404"}"""));
        // A problem carries type, title, status, detail, instance and trace id: without them it does not match either.
        Assert.Contains("does not match", contract.Check(
            "GET", "/api/beats/{beat_id}", 404, "application/problem+json", """{"status":404,"title":"Not found."}"""));
        Assert.Null(contract.Check("GET", "/api/beats/{beat_id}", 404, "application/problem+json", """
            {"type":"https://tools.ietf.org/html/rfc9110#section-15.5.5","title":"Not found.","status":404,
             "detail":"No beat has this id.","instance":"/api/beats/x","trace_id":"0af7651916cd43dd8448eb211c80319c"}
            """));
        Assert.NotNull(AsyncApiContract.Check("RealTimeMessage", new JsonObject { ["type"] = "real-time message" }));
        Assert.NotNull(AsyncApiContract.CheckMessage("users.registered", new JsonObject { ["id"] = "x", ["type"] = "users.registered", ["data"] = new JsonObject() }));
    }

    private static void AssertValid(string schema, JsonObject payload) =>
        Assert.True(AsyncApiContract.Check(schema, payload) is null, $"{schema}: {AsyncApiContract.Check(schema, payload)}; frame: {payload.ToJsonString()}");

    private async Task<HttpResponseMessage> SendForm(string path, string token, (string Name, byte[] Bytes, string FileName) file)
    {
        using var form = new MultipartFormDataContent();
        var content = new ByteArrayContent(file.Bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("audio/wav");
        form.Add(content, file.Name, file.FileName);
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = form };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await http.SendAsync(request);
    }
}
