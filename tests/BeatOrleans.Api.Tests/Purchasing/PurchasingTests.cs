using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using BeatOrleans.Api.Tests.Catalog;

namespace BeatOrleans.Api.Tests.Purchasing;

public sealed class PurchasingTests(MarketplaceHost host) : IClassFixture<MarketplaceHost>
{
    private readonly HttpClient http = host.CreateClient();

    private async Task<(Account Account, string Token)> User()
    {
        var account = await http.SignUp();
        return (account, (await http.LogIn(account)).Token);
    }

    private Task<JsonArray> Notifications(string token, string type, int atLeast) =>
        Eventually.Until(
            async () =>
            {
                var all = (await (await http.Send(HttpMethod.Get, "/api/notifications", token)).Body(HttpStatusCode.OK))["notifications"]!.AsArray();
                return new JsonArray([.. all.Where(n => n!["type"]!.GetValue<string>() == type).Select(n => n!.DeepClone())]);
            },
            matching => matching.Count >= atLeast, TimeSpan.FromSeconds(15));

    [Fact]
    public async Task A_deleted_beat_keeps_the_files_its_buyers_downloaded_and_loses_the_rest()
    {
        var (_, producerToken) = await User();
        var (_, buyerToken) = await User();
        var beat = await http.ReadyBeat(producerToken);
        var id = beat.Id();
        Assert.Equal(
            [$"deliverables/{id}/master.wav", $"deliverables/{id}/untagged-320k.mp3", $"masters/{id}/master.wav",
                $"previews/{id}/preview.mp3"],
            host.BeatFiles(id));

        var bought = (await (await http.Buy(buyerToken, id, "wav_lease")).Body(HttpStatusCode.Created)).PurchaseId();
        Assert.Equal("completed", (await (await http.Confirm(buyerToken, bought)).Body(HttpStatusCode.OK)).Status());
        await (await http.Send(HttpMethod.Delete, $"/api/beats/{id}/delete", producerToken)).Body(HttpStatusCode.OK);

        // The master and the tagged preview are gone; the MP3 and the WAV the buyer licensed stay and still download.
        Assert.Equal([$"deliverables/{id}/master.wav", $"deliverables/{id}/untagged-320k.mp3"], host.BeatFiles(id));
        var download = await (await http.Send(HttpMethod.Get, $"/api/purchases/{bought}/download", buyerToken))
            .Body(HttpStatusCode.OK);
        var audio = download["files"]!.AsArray().Select(f => f!)
            .Where(f => f.Str("name") != "license_agreement").ToList();
        Assert.Equal(2, audio.Count);
        foreach (var file in audio)
        {
            var response = await http.GetAsync(file.Str("url"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(file["bytes"]!.GetValue<long>(), (await response.Content.ReadAsByteArrayAsync()).LongLength);
        }
    }

    [Fact]
    public async Task A_wav_lease_is_paid_licensed_recorded_notified_and_downloaded_untagged()
    {
        var (producer, producerToken) = await User();
        var (buyer, buyerToken) = await User();
        var (_, strangerToken) = await User();
        var beat = await http.ReadyBeat(producerToken);

        var created = await (await http.Buy(buyerToken, beat.Id(), "wav_lease")).Body(HttpStatusCode.Created);
        Assert.Equal("pending_payment", created.Status());
        Assert.Equal(49.99m, created["amount"]!.GetValue<decimal>());
        Assert.Equal("USD", created["currency"]!.GetValue<string>());
        Assert.Equal("simulated", created["payment"]!["provider"]!.GetValue<string>());
        Assert.StartsWith(created["payment"]!["payment_id"]!.GetValue<string>(), created["payment"]!["client_secret"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(["mp3", "wav"], created["deliverables"]!.AsArray().Select(d => d!.GetValue<string>()));
        var id = created.PurchaseId();

        // Nobody but the buyer pays, and files wait for the payment.
        await (await http.Confirm(strangerToken, id)).Problem(HttpStatusCode.NotFound);
        await (await http.Send(HttpMethod.Get, $"/api/purchases/{id}/download", buyerToken)).Problem(HttpStatusCode.Conflict);

        var before = await (await http.Send(HttpMethod.Get, "/api/users/profile", buyerToken)).Body(HttpStatusCode.OK);
        Assert.Empty(before["purchased_beats"]!.AsArray());

        var completed = await (await http.Confirm(buyerToken, id)).Body(HttpStatusCode.OK);
        Assert.Equal("completed", completed.Status());
        Assert.Equal(id, completed.PurchaseId());

        // Buyer and producer see it (the producer without the payment secret); anyone else gets 404.
        Assert.Equal("completed", (await http.Purchase(buyerToken, id)).Status());
        var producerView = await http.Purchase(producerToken, id);
        Assert.Null(producerView["payment"]!["client_secret"]);
        await (await http.Send(HttpMethod.Get, $"/api/purchases/{id}", strangerToken)).Problem(HttpStatusCode.NotFound);

        var profile = await (await http.Send(HttpMethod.Get, "/api/users/profile", buyerToken)).Body(HttpStatusCode.OK);
        Assert.Contains(beat.Id(), profile["purchased_beats"]!.AsArray().Select(b => b!.GetValue<string>()));
        var mine = await (await http.Send(HttpMethod.Get, "/api/purchases", buyerToken)).Body(HttpStatusCode.OK);
        Assert.Equal(id, Assert.Single(mine["purchases"]!.AsArray())!.AsObject().PurchaseId());

        var sales = await (await http.Send(HttpMethod.Get, "/api/sales", producerToken)).Body(HttpStatusCode.OK);
        var sale = Assert.Single(sales["sales"]!.AsArray())!;
        Assert.Equal(buyer.UserId, sale["buyer_id"]!.GetValue<string>());
        Assert.Equal(49.99m, sale["amount"]!.GetValue<decimal>());
        Assert.Equal(49.99m, Assert.Single(sales["totals"]!.AsArray())!["amount"]!.GetValue<decimal>());
        Assert.Empty((await (await http.Send(HttpMethod.Get, "/api/sales", buyerToken)).Body(HttpStatusCode.OK))["sales"]!.AsArray());

        var purchaseNote = Assert.Single(await Notifications(buyerToken, "purchase", 1))!;
        Assert.Equal("Your beat has been successfully purchased", purchaseNote["message"]!.GetValue<string>());
        Assert.Contains("49.99 USD", Assert.Single(await Notifications(producerToken, "sale", 1))!["message"]!.GetValue<string>(), StringComparison.Ordinal);

        // The files: the untagged MP3 and the WAV, whole, through short-lived signed URLs.
        var download = await (await http.Send(HttpMethod.Get, $"/api/purchases/{id}/download", buyerToken)).Body(HttpStatusCode.OK);
        Assert.True(download["expires_at"]!.GetValue<DateTimeOffset>() < DateTimeOffset.UtcNow.AddMinutes(10));
        var files = download["files"]!.AsArray().ToDictionary(f => f!["name"]!.GetValue<string>(), f => f!.AsObject());
        Assert.Equal(["license_agreement", "mp3", "wav"], files.Keys.Order());
        Assert.Equal(files["wav"]["url"]!.GetValue<string>(), download["download_url"]!.GetValue<string>());
        foreach (var (name, file) in files.Where(f => f.Key != "license_agreement"))
        {
            var response = await http.GetAsync(file["url"]!.GetValue<string>());
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var bytes = await response.Content.ReadAsByteArrayAsync();
            Assert.Equal(file["bytes"]!.GetValue<long>(), bytes.LongLength);
            Assert.Equal(name == "wav" ? "audio/wav" : "audio/mpeg", response.Content.Headers.ContentType!.MediaType);
            Assert.Equal("attachment", response.Content.Headers.ContentDisposition!.DispositionType);
        }

        var untagged = Path.Combine(host.DataDirectory, "bought.mp3");
        await File.WriteAllBytesAsync(untagged, await (await http.GetAsync(files["mp3"]["url"]!.GetValue<string>())).Content.ReadAsByteArrayAsync());
        Assert.True(await Audio.BandLevel(untagged, 1760, 0, 1.5) < -50, "the purchased MP3 carries no voice tag");

        var tampered = files["wav"]["url"]!.GetValue<string>().Replace("files/wav", "files/mp3", StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync(tampered)).StatusCode);
        await (await http.Send(HttpMethod.Get, $"/api/purchases/{id}/download", strangerToken)).Problem(HttpStatusCode.NotFound);
        await (await http.Send(HttpMethod.Get, $"/api/purchases/{id}/download", producerToken)).Problem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Confirming_twice_is_a_no_op_with_one_sale_and_one_notification_each()
    {
        var (_, producerToken) = await User();
        var (_, buyerToken) = await User();
        var beat = await http.ReadyBeat(producerToken);
        var purchase = (await http.BuyAndPay(buyerToken, beat.Id(), "mp3_lease")).As<PurchaseView>();

        var again = await (await http.Confirm(buyerToken, purchase.PurchaseId)).Body<PurchaseView>(HttpStatusCode.OK);
        Assert.Equal("completed", again.Status);
        Assert.NotNull(again.CompletedAt);
        Assert.Equal(purchase.CompletedAt, again.CompletedAt);

        Assert.Single(await Notifications(buyerToken, "purchase", 1));
        Assert.Single(await Notifications(producerToken, "sale", 1));
        await Task.Delay(500); // a second notification, were there one, travels the same path as the first
        Assert.Single(await Notifications(buyerToken, "purchase", 2));
        Assert.Single((await (await http.Send(HttpMethod.Get, "/api/sales", producerToken)).Body<SalesPageView>(HttpStatusCode.OK)).Sales);
    }

    [Fact]
    public async Task A_declined_card_fails_the_purchase_with_402_and_releases_the_exclusive()
    {
        var (_, producerToken) = await User();
        var (_, buyerToken) = await User();
        var (_, otherToken) = await User();
        var beat = await http.ReadyBeat(producerToken);
        var purchase = await (await http.Buy(buyerToken, beat.Id(), "exclusive")).Body(HttpStatusCode.Created);
        await (await http.Buy(otherToken, beat.Id(), "exclusive")).Problem(HttpStatusCode.Conflict);

        var declined = await (await http.Confirm(buyerToken, purchase.PurchaseId(), "pm_card_chargeDeclined")).Body<PurchaseView>(HttpStatusCode.PaymentRequired);
        Assert.Equal("failed", declined.Status);
        Assert.Contains("declined", declined.FailureReason, StringComparison.Ordinal);
        Assert.Equal("failed", (await http.Purchase(buyerToken, purchase.PurchaseId())).Status());
        await (await http.Confirm(buyerToken, purchase.PurchaseId())).Problem(HttpStatusCode.Conflict);
        await (await http.Send(HttpMethod.Get, $"/api/purchases/{purchase.PurchaseId()}/download", buyerToken)).Problem(HttpStatusCode.Conflict);

        // The hold went with the failure: another buyer gets the exclusive at once.
        Assert.Equal("completed", (await http.BuyAndPay(otherToken, beat.Id(), "exclusive")).Status());
        Assert.Empty(await Notifications(buyerToken, "purchase", 1));
    }

    [Fact]
    public async Task A_card_that_asks_for_authentication_leaves_the_purchase_payable_with_another_card()
    {
        var (_, producerToken) = await User();
        var (_, buyerToken) = await User();
        var beat = await http.ReadyBeat(producerToken);
        var purchase = (await (await http.Buy(buyerToken, beat.Id(), "exclusive")).Body(HttpStatusCode.Created))
            .PurchaseId();

        var asked = await (await http.Confirm(buyerToken, purchase, "pm_card_authenticationRequired"))
            .Body<PurchaseView>(HttpStatusCode.PaymentRequired);
        Assert.Equal(("pending_payment", null), (asked.Status, asked.FailureReason));

        // Nothing was charged, the exclusive is still the buyer's to pay for, and another card pays this purchase.
        Assert.Equal("completed", (await (await http.Confirm(buyerToken, purchase)).Body(HttpStatusCode.OK)).Status());
        var sold = await (await http.GetAsync($"/api/beats/{beat.Id()}")).Body(HttpStatusCode.OK);
        Assert.Equal("sold", sold.Str("status"));
    }

    [Fact]
    public async Task An_exclusive_sells_once_leaves_the_catalogue_and_earlier_lessees_keep_their_files()
    {
        var (_, producerToken) = await User();
        var (_, lesseeToken) = await User();
        var (_, ownerToken) = await User();
        var (_, lateToken) = await User();
        var word = Guid.NewGuid().ToString("N");
        var beat = await http.ReadyBeat(producerToken, new() { ["title"] = $"Exclusive {word}" });
        await http.SearchUntil($"q={word}", items => items.Count == 1);
        var lease = await http.BuyAndPay(lesseeToken, beat.Id(), "mp3_lease");

        var exclusive = await http.BuyAndPay(ownerToken, beat.Id(), "exclusive");
        Assert.True(exclusive.As<PurchaseView>().Terms.Exclusive);

        Assert.Equal("sold", (await (await http.GetAsync($"/api/beats/{beat.Id()}")).Body<BeatView>(HttpStatusCode.OK)).Status);
        await http.SearchUntil($"q={word}", items => items.Count == 0);
        foreach (var tier in new[] { "mp3_lease", "wav_lease", "unlimited", "exclusive" })
        {
            await (await http.Buy(lateToken, beat.Id(), tier)).Problem(HttpStatusCode.Conflict);
        }

        await (await http.Send(HttpMethod.Put, $"/api/beats/{beat.Id()}/licenses", producerToken,
            new { licenses = new[] { new { license_type = "mp3_lease", price = 5 } } })).Problem(HttpStatusCode.Conflict);

        foreach (var (token, purchase) in new[] { (lesseeToken, lease), (ownerToken, exclusive) })
        {
            var download = await (await http.Send(HttpMethod.Get, $"/api/purchases/{purchase.PurchaseId()}/download", token)).Body<DownloadView>(HttpStatusCode.OK);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(download.DownloadUrl)).StatusCode);
        }

        // Deleting the beat afterwards takes it from everyone but its buyers.
        await (await http.Send(HttpMethod.Delete, $"/api/beats/{beat.Id()}/delete", producerToken)).Body(HttpStatusCode.OK);
        var kept = await (await http.Send(HttpMethod.Get, $"/api/purchases/{lease.PurchaseId()}/download", lesseeToken)).Body<DownloadView>(HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(kept.DownloadUrl)).StatusCode);
    }

    [Fact]
    public async Task Thirty_concurrent_buyers_of_one_exclusive_get_one_hold_and_one_sale()
    {
        // The hundred-buyer run, which also counts captured payments, is in StripePurchasingTests.
        var (_, producerToken) = await User();
        var beat = await http.ReadyBeat(producerToken);
        var buyers = new List<string>();
        for (var i = 0; i < 30; i++)
        {
            buyers.Add((await User()).Token);
        }

        var answers = await Task.WhenAll(buyers.Select(async token => (Token: token, Response: await http.Buy(token, beat.Id(), "exclusive"))));
        var winners = answers.Where(a => a.Response.StatusCode == HttpStatusCode.Created).ToList();
        var (winnerToken, winnerResponse) = Assert.Single(winners);
        foreach (var (_, response) in answers.Where(a => a.Response.StatusCode != HttpStatusCode.Created))
        {
            await response.Problem(HttpStatusCode.Conflict);
        }

        // Everyone tries to pay at once; only the holder has a purchase to pay.
        var winner = await winnerResponse.Body(HttpStatusCode.Created);
        Assert.Equal("completed", (await (await http.Confirm(winnerToken, winner.PurchaseId())).Body(HttpStatusCode.OK)).Status());
        var sales = await (await http.Send(HttpMethod.Get, "/api/sales", producerToken)).Body<SalesPageView>(HttpStatusCode.OK);
        Assert.Equal(1, Assert.Single(sales.Totals).Count);
        Assert.Equal(499.99m, sales.Totals[0].Amount);
        foreach (var token in buyers.Where(t => t != winnerToken))
        {
            Assert.Empty((await (await http.Send(HttpMethod.Get, "/api/purchases", token)).Body<PurchasesPageView>(HttpStatusCode.OK)).Purchases);
        }
    }

    [Fact]
    public async Task An_idempotency_key_replays_the_first_answer_and_refuses_another_body()
    {
        var (_, producerToken) = await User();
        var (_, buyerToken) = await User();
        var (_, otherToken) = await User();
        var beat = await http.ReadyBeat(producerToken);
        var key = Guid.NewGuid().ToString();

        var concurrent = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => http.Buy(buyerToken, beat.Id(), "mp3_lease", key)));
        var bodies = await Task.WhenAll(concurrent.Select(r => r.Body<PurchaseView>(HttpStatusCode.Created)));
        var id = Assert.Single(bodies.Select(b => b.PurchaseId).Distinct());
        Assert.NotNull(Assert.Single(bodies.Select(b => b.Payment.PaymentId).Distinct()));

        await (await http.Confirm(buyerToken, id)).Body(HttpStatusCode.OK);
        var replay = await (await http.Buy(buyerToken, beat.Id(), "mp3_lease", key)).Body(HttpStatusCode.Created);
        Assert.Equal(id, replay.PurchaseId());
        Assert.Equal("pending_payment", replay.Status()); // the first answer, as it was

        var reused = await (await http.Buy(buyerToken, beat.Id(), "wav_lease", key)).Problem(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("Idempotency-Key", reused["title"]!.GetValue<string>(), StringComparison.Ordinal);

        // A key belongs to its user: the same key from someone else is their own purchase.
        var others = await (await http.Buy(otherToken, beat.Id(), "mp3_lease", key)).Body(HttpStatusCode.Created);
        Assert.NotEqual(id, others.PurchaseId());

        Assert.Single((await (await http.Send(HttpMethod.Get, "/api/purchases", buyerToken)).Body<PurchasesPageView>(HttpStatusCode.OK)).Purchases);
        Assert.Single((await (await http.Send(HttpMethod.Get, "/api/sales", producerToken)).Body<SalesPageView>(HttpStatusCode.OK)).Sales);
    }

    [Fact]
    public async Task Bad_purchase_requests_get_clear_4xx_answers()
    {
        var (_, producerToken) = await User();
        var (_, buyerToken) = await User();
        var beat = await http.ReadyBeat(producerToken, new() { ["title"] = "Two tiers", ["licenses"] = "[{\"license_type\":\"mp3_lease\",\"price\":20},{\"license_type\":\"exclusive\",\"price\":300}]" });

        await (await http.Buy(producerToken, beat.Id(), "mp3_lease")).Problem(HttpStatusCode.BadRequest);
        await (await http.Buy(buyerToken, Guid.NewGuid().ToString("N"), "mp3_lease")).Problem(HttpStatusCode.NotFound);
        await (await http.Buy(buyerToken, "../../etc", "mp3_lease")).Problem(HttpStatusCode.NotFound);
        var unknownTier = await (await http.Buy(buyerToken, beat.Id(), "platinum")).Problem(HttpStatusCode.BadRequest);
        Assert.NotNull(unknownTier["errors"]!["license_type"]);
        var notOffered = await (await http.Buy(buyerToken, beat.Id(), "wav_lease")).Problem(HttpStatusCode.BadRequest);
        Assert.NotNull(notOffered["errors"]!["license_type"]);
        await (await http.Send(HttpMethod.Post, "/api/purchases", buyerToken, new { license_type = "mp3_lease" })).Problem(HttpStatusCode.BadRequest);
        await (await http.Buy(buyerToken, beat.Id(), "mp3_lease", new string('k', 300))).Problem(HttpStatusCode.BadRequest);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.Send(HttpMethod.Post, "/api/purchases", null, new { beat_id = beat.Id(), license_type = "mp3_lease" })).StatusCode);

        var purchase = await (await http.Buy(buyerToken, beat.Id(), "mp3_lease")).Body(HttpStatusCode.Created);
        Assert.Equal(20m, purchase.As<PurchaseView>().Amount);
        await (await http.Send(HttpMethod.Post, $"/api/purchases/{purchase.PurchaseId()}/confirm", buyerToken, new { })).Problem(HttpStatusCode.BadRequest);
        var unknownMethod = await (await http.Confirm(buyerToken, purchase.PurchaseId(), "pm_card_made_up")).Problem(HttpStatusCode.BadRequest);
        Assert.NotNull(unknownMethod["errors"]!["payment_method"]);
        Assert.Equal("pending_payment", (await http.Purchase(buyerToken, purchase.PurchaseId())).Status()); // still payable
        await (await http.Confirm(buyerToken, Guid.NewGuid().ToString("N"))).Problem(HttpStatusCode.NotFound);
        await (await http.Send(HttpMethod.Get, "/api/purchases/not-an-id", buyerToken)).Problem(HttpStatusCode.NotFound);
        await (await http.Send(HttpMethod.Get, "/api/purchases?limit=0", buyerToken)).Problem(HttpStatusCode.BadRequest);
        await (await http.Send(HttpMethod.Get, "/api/purchases?cursor=bogus", buyerToken)).Problem(HttpStatusCode.BadRequest);
        await (await http.Send(HttpMethod.Get, "/api/sales?limit=101", producerToken)).Problem(HttpStatusCode.BadRequest);
        Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync($"/api/purchases/{purchase.PurchaseId()}/files/mp3?exp=9999999999&sig=forged")).StatusCode);
        Assert.Equal("completed", (await (await http.Confirm(buyerToken, purchase.PurchaseId())).Body(HttpStatusCode.OK)).Status());
    }

    [Fact]
    public async Task Licences_show_deliverables_and_terms_and_price_edits_never_change_what_was_bought()
    {
        var (_, producerToken) = await User();
        var (_, buyerToken) = await User();
        var (_, strangerToken) = await User();
        var stems = Stems.Zip();
        var beat = await http.ReadyBeat(producerToken, new() { ["title"] = "Tiers" }, stems);

        var licenses = await (await http.GetAsync($"/api/beats/{beat.Id()}/licenses")).Body<LicensesView>(HttpStatusCode.OK);
        var tiers = licenses.Licenses.ToDictionary(t => t.LicenseType);
        Assert.Equal(["exclusive", "mp3_lease", "trackout", "unlimited", "wav_lease"], tiers.Keys.Order());
        Assert.Equal(["mp3"], tiers["mp3_lease"].Deliverables);
        Assert.Equal(["mp3", "wav", "stems"], tiers["trackout"].Deliverables);
        Assert.Equal(5000, tiers["mp3_lease"].Terms.DistributionCopies);
        Assert.Null(tiers["unlimited"].Terms.DistributionCopies);
        Assert.True(tiers["exclusive"].Terms.Exclusive);

        var bought = await http.BuyAndPay(buyerToken, beat.Id(), "trackout");
        var pending = await (await http.Buy(buyerToken, beat.Id(), "mp3_lease")).Body(HttpStatusCode.Created);

        await (await http.Send(HttpMethod.Put, $"/api/beats/{beat.Id()}/licenses", strangerToken,
            new { licenses = new[] { new { license_type = "mp3_lease", price = 1 } } })).Problem(HttpStatusCode.Forbidden);
        await (await http.Send(HttpMethod.Put, $"/api/beats/{beat.Id()}/licenses", producerToken, new { licenses = Array.Empty<object>() })).Problem(HttpStatusCode.BadRequest);
        await (await http.Send(HttpMethod.Put, $"/api/beats/{beat.Id()}/licenses", producerToken,
            new { licenses = new[] { new { license_type = "mp3_lease", price = -3 } } })).Problem(HttpStatusCode.BadRequest);
        // A price is a JSON number, as the document says, not a string that reads as one.
        await (await http.Send(HttpMethod.Put, $"/api/beats/{beat.Id()}/licenses", producerToken,
            new { licenses = new[] { new { license_type = "mp3_lease", price = "5" } } }))
            .Problem(HttpStatusCode.BadRequest);
        await (await http.Send(HttpMethod.Put, $"/api/beats/{Guid.NewGuid():N}/licenses", producerToken,
            new { licenses = new[] { new { license_type = "mp3_lease", price = 5 } } })).Problem(HttpStatusCode.NotFound);

        var updated = await (await http.Send(HttpMethod.Put, $"/api/beats/{beat.Id()}/licenses", producerToken,
            new { licenses = new object[] { new { license_type = "mp3_lease", price = 9.5 }, new { license_type = "exclusive", price = 900 } } })).Body(HttpStatusCode.OK);
        Assert.Equal(2, updated["licenses"]!.AsArray().Count);
        Assert.Equal(9.5m, (await (await http.GetAsync($"/api/beats/{beat.Id()}")).Body<BeatView>(HttpStatusCode.OK)).Price);

        // What was bought, or quoted, stays as it was.
        var kept = (await http.Purchase(buyerToken, bought.PurchaseId())).As<PurchaseView>();
        Assert.Equal(99.99m, kept.Amount);
        Assert.Equal(["mp3", "wav", "stems"], kept.Deliverables);
        var download = await (await http.Send(HttpMethod.Get, $"/api/purchases/{bought.PurchaseId()}/download", buyerToken)).Body<DownloadView>(HttpStatusCode.OK);
        var stemsUrl = download.Files.Single(f => f.Name == "stems").Url;
        Assert.Equal(stems, await (await http.GetAsync(stemsUrl)).Content.ReadAsByteArrayAsync());
        Assert.Equal(29.99m, (await (await http.Confirm(buyerToken, pending.PurchaseId())).Body<PurchaseView>(HttpStatusCode.OK)).Amount);
        await (await http.Buy(buyerToken, beat.Id(), "trackout")).Problem(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task The_purchase_list_pages_newest_first()
    {
        var (_, producerToken) = await User();
        var (_, buyerToken) = await User();
        var beat = await http.ReadyBeat(producerToken);
        var ids = new List<string>();
        foreach (var tier in new[] { "mp3_lease", "wav_lease", "unlimited" })
        {
            ids.Add((await (await http.Buy(buyerToken, beat.Id(), tier)).Body(HttpStatusCode.Created)).PurchaseId());
        }

        var first = await (await http.Send(HttpMethod.Get, "/api/purchases?limit=2", buyerToken)).Body(HttpStatusCode.OK);
        var cursor = first["next_cursor"]!.GetValue<string>();
        var second = await (await http.Send(HttpMethod.Get, $"/api/purchases?limit=2&cursor={Uri.EscapeDataString(cursor)}", buyerToken)).Body(HttpStatusCode.OK);
        Assert.Null(second["next_cursor"]);
        var listed = first["purchases"]!.AsArray().Concat(second["purchases"]!.AsArray()).Select(p => p!.AsObject().PurchaseId());
        Assert.Equal(Enumerable.Reverse(ids), listed);
    }
}

public sealed class PurchasingProcessingTests(SlowProbeHost host) : IClassFixture<SlowProbeHost>
{
    private readonly HttpClient http = host.CreateClient();

    [Fact]
    public async Task A_beat_still_processing_cannot_be_bought_until_it_is_ready()
    {
        var producer = (await http.LogIn(await http.SignUp())).Token;
        var buyer = (await http.LogIn(await http.SignUp())).Token;
        var beat = await http.UploadBeat(producer, await Audio.Tone(330, 2, "wav"));

        var refused = await (await http.Buy(buyer, beat.Id(), "mp3_lease")).Problem(HttpStatusCode.Conflict);
        Assert.Contains("not ready", refused["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        await http.WaitUntilProcessed(beat.Id());
        Assert.Equal("completed", (await http.BuyAndPay(buyer, beat.Id(), "mp3_lease")).Status());
    }
}

/// <summary>The market's clock, moved by the test: holds and payment windows follow it; Orleans' own timers do not.</summary>
public sealed class MarketClock : TimeProvider
{
    private long offsetTicks;

    public void Advance(TimeSpan by) => Interlocked.Add(ref offsetTicks, by.Ticks);

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow().AddTicks(Interlocked.Read(ref offsetTicks));
}

/// <summary>A host whose market clock the test moves, and whose purchases check their payment window every second.</summary>
public sealed class MarketClockHost() : MarketplaceHost(
    new() { ["Purchasing:RetryPeriod"] = "00:00:01", ["Purchasing:ReconcilePeriod"] = "00:00:02" },
    services => services.AddKeyedSingleton<TimeProvider>(Contracts.Clocks.Market, Clock))
{
    public static readonly MarketClock Clock = new();
}

public sealed class HoldExpiryTests(MarketClockHost host) : IClassFixture<MarketClockHost>
{
    private readonly HttpClient http = host.CreateClient();

    [Fact]
    public async Task An_unpaid_exclusive_hold_ends_with_its_payment_window_and_the_late_payment_is_refused()
    {
        var producer = (await http.LogIn(await http.SignUp())).Token;
        var first = (await http.LogIn(await http.SignUp())).Token;
        var second = (await http.LogIn(await http.SignUp())).Token;
        var beat = await http.ReadyBeat(producer);

        var held = await (await http.Buy(first, beat.Id(), "exclusive")).Body(HttpStatusCode.Created);
        Assert.True(held["pay_before"]!.GetValue<DateTimeOffset>() > MarketClockHost.Clock.GetUtcNow().AddMinutes(14));
        await (await http.Buy(second, beat.Id(), "exclusive")).Problem(HttpStatusCode.Conflict);

        MarketClockHost.Clock.Advance(TimeSpan.FromMinutes(16));

        // The purchase closes itself (no request needed), and the beat is free for the next buyer.
        var expired = await http.WaitForStatus(first, held.PurchaseId(), "expired");
        Assert.Contains("payment window", expired["failure_reason"]!.GetValue<string>(), StringComparison.Ordinal);
        var late = await (await http.Confirm(first, held.PurchaseId())).Problem(HttpStatusCode.Conflict);
        Assert.Equal("expired", late["purchase_status"]!.GetValue<string>());
        Assert.Equal("completed", (await http.BuyAndPay(second, beat.Id(), "exclusive")).Status());
        await (await http.Send(HttpMethod.Get, $"/api/purchases/{held.PurchaseId()}/download", first)).Problem(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_buyer_holds_at_most_three_unpaid_exclusives_until_one_is_paid_or_its_window_closes()
    {
        var producer = (await http.LogIn(await http.SignUp())).Token;
        var buyer = (await http.LogIn(await http.SignUp())).Token;
        var other = (await http.LogIn(await http.SignUp())).Token;
        var beats = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            beats.Add((await http.ReadyBeat(producer)).Id());
        }

        var held = new List<JsonObject>();
        for (var i = 0; i < 3; i++)
        {
            held.Add(await (await http.Buy(buyer, beats[i], "exclusive")).Body(HttpStatusCode.Created));
        }

        // A fourth is refused, and reserves nothing: another buyer can hold that exclusive meanwhile.
        var refused = await (await http.Buy(buyer, beats[3], "exclusive", "fourth")).Problem(HttpStatusCode.Conflict);
        Assert.Contains("3 unpaid purchases", refused["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var others = await (await http.Buy(other, beats[3], "exclusive")).Body(HttpStatusCode.Created);
        var declined = await http.Confirm(other, others.PurchaseId(), "pm_card_chargeDeclined");
        await declined.Body(HttpStatusCode.PaymentRequired);
        // Leases hold nothing another buyer could want: they are not counted.
        Assert.Equal("completed", (await http.BuyAndPay(buyer, beats[4], "mp3_lease")).Status());

        // Paying for one frees its slot; the refused order, sent again with its key, was not remembered.
        var paid = await (await http.Confirm(buyer, held[0].PurchaseId())).Body(HttpStatusCode.OK);
        Assert.Equal("completed", paid.Status());
        var fourth = await (await http.Buy(buyer, beats[3], "exclusive", "fourth")).Body(HttpStatusCode.Created);
        await (await http.Buy(buyer, beats[4], "exclusive")).Problem(HttpStatusCode.Conflict);

        // Three held again; once their payment windows close, the buyer may hold again.
        MarketClockHost.Clock.Advance(TimeSpan.FromMinutes(16));
        foreach (var purchase in new[] { held[1], held[2], fourth })
        {
            await http.WaitForStatus(buyer, purchase.PurchaseId(), "expired");
        }

        Assert.Equal("completed", (await http.BuyAndPay(buyer, beats[4], "exclusive")).Status());
    }

    [Fact]
    public async Task A_buyer_who_did_not_pay_cannot_hold_the_exclusive_again_at_once_but_others_can()
    {
        var producer = (await http.LogIn(await http.SignUp())).Token;
        var squatter = (await http.LogIn(await http.SignUp())).Token;
        var other = (await http.LogIn(await http.SignUp())).Token;
        var beat = await http.ReadyBeat(producer);
        // One declined card is forgiven (a typo): the buyer holds it again at once.
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var order = await (await http.Buy(squatter, beat.Id(), "exclusive")).Body(HttpStatusCode.Created);
            await (await http.Confirm(squatter, order.PurchaseId(), "pm_card_chargeDeclined"))
                .Body(HttpStatusCode.PaymentRequired);
        }

        // Declining and ordering again in a loop would keep the exclusive held for ever.
        var again = await (await http.Buy(squatter, beat.Id(), "exclusive")).Problem(HttpStatusCode.Conflict);
        Assert.Contains("unpaid twice", again["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        // Leases hold nothing: the same buyer still buys one.
        Assert.Equal("completed", (await http.BuyAndPay(squatter, beat.Id(), "mp3_lease")).Status());
        var others = await (await http.Buy(other, beat.Id(), "exclusive")).Body(HttpStatusCode.Created);
        await (await http.Confirm(other, others.PurchaseId(), "pm_card_chargeDeclined"))
            .Body(HttpStatusCode.PaymentRequired);

        MarketClockHost.Clock.Advance(TimeSpan.FromMinutes(61));
        Assert.Equal("completed", (await http.BuyAndPay(squatter, beat.Id(), "exclusive")).Status());
    }

    [Fact]
    public async Task A_hold_whose_window_passed_is_free_even_before_its_purchase_notices()
    {
        var producer = (await http.LogIn(await http.SignUp())).Token;
        var first = (await http.LogIn(await http.SignUp())).Token;
        var second = (await http.LogIn(await http.SignUp())).Token;
        var beat = await http.ReadyBeat(producer);
        var held = await (await http.Buy(first, beat.Id(), "exclusive")).Body(HttpStatusCode.Created);

        MarketClockHost.Clock.Advance(TimeSpan.FromMinutes(16));
        var taken = await (await http.Buy(second, beat.Id(), "exclusive")).Body(HttpStatusCode.Created);

        // The first buyer's confirmation now finds the window closed: nothing is charged, the new holder pays.
        await (await http.Confirm(first, held.PurchaseId())).Problem(HttpStatusCode.Conflict);
        Assert.Equal("completed", (await (await http.Confirm(second, taken.PurchaseId())).Body(HttpStatusCode.OK)).Status());
        Assert.Equal("sold", (await (await http.GetAsync($"/api/beats/{beat.Id()}")).Body(HttpStatusCode.OK))["status"]!.GetValue<string>());
    }
}
