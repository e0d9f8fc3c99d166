using System.Net;
using System.Text.Json.Nodes;

namespace BeatOrleans.Api.Tests.Purchasing;

public sealed class OffersTests(MarketplaceHost host) : IClassFixture<MarketplaceHost>
{
    private readonly HttpClient http = host.CreateClient();

    private async Task<Tokens> User() => await http.LogIn(await http.SignUp());

    private async Task<JsonArray> Messages(string token, string chatId) =>
        (await (await http.Send(HttpMethod.Get, $"/api/chat/messages/{chatId}?limit=100", token)).Body(HttpStatusCode.OK))["messages"]!.AsArray();

    [Fact]
    public async Task An_offer_is_posted_live_to_both_sides_countered_accepted_and_prices_the_next_purchase_once()
    {
        var producer = await User();
        var buyer = await User();
        var stranger = await User();
        var beat = await http.ReadyBeat(producer.Token, new() { ["title"] = "Haggled", ["bpm"] = "96", ["key"] = "F minor" });
        var (producerHub, producerPushes) = await LiveClients.ConnectHub(host.BaseAddress, producer.Token);
        var (buyerSocket, buyerFrames) = await LiveClients.ConnectSocket(host.BaseAddress, $"/ws/chat/{buyer.UserId}", buyer.Token, "chat");
        var (producerNotices, producerNotified) = await LiveClients.ConnectSocket(host.BaseAddress, $"/ws/notifications/{producer.UserId}", producer.Token, "notification");
        await using var _ = producerHub;
        using var __ = buyerSocket;
        using var ___ = producerNotices;

        var made = await (await http.MakeOffer(buyer.Token, beat.Id(), "wav_lease", 30m, "Would you take 30?")).Body(HttpStatusCode.Created);
        Assert.Equal("open", made.Str("status"));
        Assert.Equal(30m, made.Dec("amount"));
        Assert.Equal(buyer.UserId, made.Str("maker_id"));
        Assert.Equal(producer.UserId, made.Str("producer_id"));
        var created = made["created_at"]!.GetValue<DateTimeOffset>();
        Assert.Equal(TimeSpan.FromHours(48), made["expires_at"]!.GetValue<DateTimeOffset>() - created);

        // In the chat as a message of kind offer, live to the producer (SignalR) and to the buyer's own socket, and a notification.
        var pushed = await producerPushes.First("ReceiveMessage", m => m["kind"]?.GetValue<string>() == "offer");
        Assert.Equal(made.OfferId(), pushed["offer"]!.Str("offer_id"));
        Assert.Equal("Would you take 30?", pushed.Str("content"));
        Assert.Equal(buyer.Username, pushed.Str("sender"));
        var echoed = await buyerFrames.First("chat", m => m["kind"]?.GetValue<string>() == "offer");
        Assert.Equal("open", echoed["offer"]!.Str("status"));
        var notice = await producerNotified.First("notification", n => n["kind"]?.GetValue<string>() == "offer");
        Assert.StartsWith($"{buyer.Username} offered 30.00 USD for the WAV lease licence of", notice.Str("message"),
            StringComparison.Ordinal);
        var chatId = made.Str("chat_id");
        var stored = Assert.Single(await Messages(producer.Token, chatId))!;
        Assert.Equal("offer", stored.Str("kind"));
        Assert.Equal("wav_lease", stored["offer"]!.Str("license_type"));

        // Only the two parties see or act on it; the maker does not answer their own offer.
        await (await http.Send(HttpMethod.Get, $"/api/offers/{made.OfferId()}", stranger.Token)).Problem(HttpStatusCode.NotFound);
        await (await http.AnswerOffer(stranger.Token, made.OfferId(), "accept")).Problem(HttpStatusCode.NotFound);
        await (await http.AnswerOffer(stranger.Token, made.OfferId(), "withdraw")).Problem(HttpStatusCode.NotFound);
        await (await http.AnswerOffer(buyer.Token, made.OfferId(), "accept")).Problem(HttpStatusCode.Forbidden);
        await (await http.CounterOffer(buyer.Token, made.OfferId(), 35m)).Problem(HttpStatusCode.Forbidden);
        await (await http.AnswerOffer(producer.Token, made.OfferId(), "withdraw")).Problem(HttpStatusCode.Forbidden);

        // The producer counters: the first offer is answered, the counter is a new offer the buyer answers.
        var counter = await (await http.CounterOffer(producer.Token, made.OfferId(), 40m, "40 and it's yours")).Body(HttpStatusCode.Created);
        Assert.Equal(made.OfferId(), counter.Str("counter_of"));
        Assert.Equal(producer.UserId, counter.Str("maker_id"));
        Assert.Equal("open", counter.Str("status"));
        var countered = await http.Offer(buyer.Token, made.OfferId());
        Assert.Equal("countered", countered.Str("status"));
        Assert.Equal(counter.OfferId(), countered.Str("counter_offer_id"));
        var late = await (await http.AnswerOffer(producer.Token, made.OfferId(), "accept")).Problem(HttpStatusCode.Conflict);
        Assert.Equal("countered", late.Str("offer_status"));
        await (await http.AnswerOffer(producer.Token, counter.OfferId(), "accept")).Problem(HttpStatusCode.Forbidden);
        await buyerFrames.First("chat", m => m["offer"]?["offer_id"]?.GetValue<string>() == counter.OfferId());

        var accepted = await (await http.AnswerOffer(buyer.Token, counter.OfferId(), "accept")).Body(HttpStatusCode.OK);
        Assert.Equal("accepted", accepted.Str("status"));
        Assert.True(accepted["buy_before"]!.GetValue<DateTimeOffset>() > DateTimeOffset.UtcNow.AddHours(47));
        await producerPushes.First("ReceiveMessage", m => m["offer"]?["status"]?.GetValue<string>() == "accepted");
        Assert.Equal(["open", "open", "accepted"], (await Messages(buyer.Token, chatId)).Select(m => m!["offer"]!.Str("status")));

        // The buyer's next purchase of that tier (no offer id given) is priced by the accepted offer, once.
        var purchase = await (await http.Buy(buyer.Token, beat.Id(), "wav_lease")).Body(HttpStatusCode.Created);
        Assert.Equal(40m, purchase.Dec("amount"));
        Assert.Equal(49.99m, purchase.Dec("list_price"));
        Assert.Equal(9.99m, purchase.Dec("discount"));
        Assert.Equal(counter.OfferId(), purchase.Str("offer_id"));
        Assert.Equal("completed", (await (await http.Confirm(buyer.Token, purchase.PurchaseId())).Body(HttpStatusCode.OK)).Status());
        var used = await http.Offer(producer.Token, counter.OfferId());
        Assert.Equal("purchased", used.Str("status"));
        Assert.Equal(purchase.PurchaseId(), used.Str("purchase_id"));

        var again = await (await http.Buy(buyer.Token, beat.Id(), "wav_lease")).Body(HttpStatusCode.Created);
        Assert.Equal(49.99m, again.Dec("amount"));
        Assert.Null(again["offer_id"]);
        var reuse = await (await http.BuyWith(buyer.Token, beat.Id(), "wav_lease", offerId: counter.OfferId())).Problem(HttpStatusCode.Conflict);
        Assert.Contains("purchased", reuse.Str("detail"), StringComparison.Ordinal);

        var sale = Assert.Single((await (await http.Send(HttpMethod.Get, "/api/sales", producer.Token)).Body(HttpStatusCode.OK))["sales"]!.AsArray())!;
        Assert.Equal(40m, sale.Dec("amount"));
        Assert.Equal(9.99m, sale.Dec("discount"));
        Assert.Equal(counter.OfferId(), sale.Str("offer_id"));
    }

    [Fact]
    public async Task Concurrent_accept_decline_counter_and_withdraw_have_exactly_one_winner()
    {
        var producer = await User();
        var buyer = await User();
        var beat = await http.ReadyBeat(producer.Token);
        for (var round = 0; round < 4; round++)
        {
            var offer = await (await http.MakeOffer(buyer.Token, beat.Id(), "mp3_lease", 20m + round)).Body(HttpStatusCode.Created);
            var steps = new[]
            {
                ("accepted", http.AnswerOffer(producer.Token, offer.OfferId(), "accept")),
                ("declined", http.AnswerOffer(producer.Token, offer.OfferId(), "decline")),
                ("countered", http.CounterOffer(producer.Token, offer.OfferId(), 25m)),
                ("withdrawn", http.AnswerOffer(buyer.Token, offer.OfferId(), "withdraw")),
            };
            var answers = await Task.WhenAll(steps.Select(async s => (Status: s.Item1, Response: await s.Item2)));
            var winner = Assert.Single(answers, a => a.Response.IsSuccessStatusCode);
            Assert.All(answers.Where(a => a != winner), a => Assert.Equal(HttpStatusCode.Conflict, a.Response.StatusCode));
            Assert.Equal(winner.Status, (await http.Offer(buyer.Token, offer.OfferId())).Str("status"));
        }
    }

    [Fact]
    public async Task An_accepted_exclusive_offer_holds_the_beat_and_the_sale_voids_the_other_offers()
    {
        var producer = await User();
        var winner = await User();
        var other = await User();
        var leaser = await User();
        var beat = await http.ReadyBeat(producer.Token);

        var exclusive = await (await http.MakeOffer(winner.Token, beat.Id(), "exclusive", 350m)).Body(HttpStatusCode.Created);
        var rival = await (await http.MakeOffer(other.Token, beat.Id(), "exclusive", 300m)).Body(HttpStatusCode.Created);
        var lease = await (await http.MakeOffer(leaser.Token, beat.Id(), "mp3_lease", 20m)).Body(HttpStatusCode.Created);
        await (await http.AnswerOffer(producer.Token, lease.OfferId(), "accept")).Body(HttpStatusCode.OK);
        await (await http.AnswerOffer(producer.Token, exclusive.OfferId(), "accept")).Body(HttpStatusCode.OK);

        // Held for the offer's buyer like a purchase's hold: nobody else buys it meanwhile.
        var held = await (await http.Buy(other.Token, beat.Id(), "exclusive")).Problem(HttpStatusCode.Conflict);
        Assert.Contains("The exclusive is held, by an accepted offer", held.Str("detail"), StringComparison.Ordinal);
        await (await http.AnswerOffer(producer.Token, rival.OfferId(), "accept")).Problem(HttpStatusCode.Conflict);
        Assert.Equal("open", (await http.Offer(other.Token, rival.OfferId())).Str("status"));

        // A declined card gives the hold back to the offer, not to the market.
        var declined = await (await http.BuyWith(winner.Token, beat.Id(), "exclusive", offerId: exclusive.OfferId())).Body(HttpStatusCode.Created);
        await (await http.Confirm(winner.Token, declined.PurchaseId(), "pm_card_chargeDeclined")).Body(HttpStatusCode.PaymentRequired);
        Assert.Equal("accepted", (await http.Offer(winner.Token, exclusive.OfferId())).Str("status"));
        await (await http.Buy(other.Token, beat.Id(), "exclusive")).Problem(HttpStatusCode.Conflict);

        var bought = await (await http.BuyWith(winner.Token, beat.Id(), "exclusive", offerId: exclusive.OfferId())).Body(HttpStatusCode.Created);
        Assert.Equal(350m, bought.Dec("amount"));
        Assert.Equal("completed", (await (await http.Confirm(winner.Token, bought.PurchaseId())).Body(HttpStatusCode.OK)).Status());

        // Sold: the rival's open offer and the leaser's accepted one are void, with a clear answer.
        var refused = await (await http.AnswerOffer(producer.Token, rival.OfferId(), "accept")).Problem(HttpStatusCode.Conflict);
        Assert.Contains("sold", refused.Str("detail"), StringComparison.Ordinal);
        Assert.Equal("void", refused.Str("offer_status"));
        var voided = await (await http.BuyWith(leaser.Token, beat.Id(), "mp3_lease", offerId: lease.OfferId())).Problem(HttpStatusCode.Conflict);
        Assert.Contains("sold exclusively", voided.Str("detail"), StringComparison.Ordinal);
        var leaseNow = await http.Offer(leaser.Token, lease.OfferId());
        Assert.Equal("void", leaseNow.Str("status"));
        Assert.Contains("void", leaseNow.Str("reason"), StringComparison.Ordinal);
        await (await http.MakeOffer(other.Token, beat.Id(), "mp3_lease", 10m)).Problem(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Bad_offers_and_foreign_or_mismatched_offer_ids_are_refused()
    {
        var producer = await User();
        var buyer = await User();
        var other = await User();
        var beat = await http.ReadyBeat(producer.Token);
        var id = beat.Id();

        foreach (var body in new object[]
        {
            new { beat_id = id, license_type = "wav_lease", amount = -5 },
            new { beat_id = id, license_type = "wav_lease", amount = 0 },
            new { beat_id = id, license_type = "wav_lease", amount = 10.001 },
            new { beat_id = id, license_type = "wav_lease", amount = 2_000_000 },
            new { beat_id = id, license_type = "platinum", amount = 10 },
            new { beat_id = "", license_type = "wav_lease", amount = 10 },
            new { beat_id = id, license_type = "wav_lease", amount = 10, currency = "EURO" },
        })
        {
            await (await http.Send(HttpMethod.Post, "/api/offers", buyer.Token, body)).Problem(HttpStatusCode.BadRequest);
        }

        await (await http.MakeOffer(buyer.Token, id, "wav_lease", 10m, new string('x', 1001))).Problem(HttpStatusCode.BadRequest);
        await (await http.Send(HttpMethod.Post, "/api/offers", buyer.Token, new { beat_id = id, license_type = "wav_lease", amount = 10, currency = "EUR" }))
            .Problem(HttpStatusCode.BadRequest);
        await (await http.MakeOffer(producer.Token, id, "wav_lease", 10m)).Problem(HttpStatusCode.BadRequest);
        await (await http.MakeOffer(buyer.Token, id, "trackout", 10m)).Problem(HttpStatusCode.BadRequest);
        await (await http.MakeOffer(buyer.Token, "0123456789abcdef0123456789abcdef", "wav_lease", 10m)).Problem(HttpStatusCode.NotFound);
        await (await http.MakeOffer(buyer.Token, "../../etc", "wav_lease", 10m)).Problem(HttpStatusCode.NotFound);
        await (await http.Send(HttpMethod.Post, "/api/offers", null, new { beat_id = id, license_type = "wav_lease", amount = 10 })).Problem(HttpStatusCode.Unauthorized);
        await (await http.Send(HttpMethod.Get, "/api/offers/not-an-id", buyer.Token)).Problem(HttpStatusCode.NotFound);
        await (await http.AnswerOffer(buyer.Token, "0123456789abcdef0123456789abcdef", "decline")).Problem(HttpStatusCode.NotFound);

        var offer = await (await http.MakeOffer(buyer.Token, id, "wav_lease", 30m)).Body(HttpStatusCode.Created);
        await (await http.CounterOffer(producer.Token, offer.OfferId(), -1m)).Problem(HttpStatusCode.BadRequest);
        await (await http.CounterOffer(other.Token, offer.OfferId(), 40m)).Problem(HttpStatusCode.NotFound);
        await (await http.AnswerOffer(producer.Token, offer.OfferId(), "accept")).Body(HttpStatusCode.OK);

        // Only its buyer buys with it, for its beat and tier, and never with a coupon besides.
        await (await http.BuyWith(other.Token, id, "wav_lease", offerId: offer.OfferId())).Problem(HttpStatusCode.NotFound);
        await (await http.BuyWith(buyer.Token, id, "mp3_lease", offerId: offer.OfferId())).Problem(HttpStatusCode.Conflict);
        await (await http.BuyWith(buyer.Token, id, "wav_lease", offerId: "nonsense")).Problem(HttpStatusCode.NotFound);
        await (await http.BuyWith(buyer.Token, id, "wav_lease", offerId: offer.OfferId(), coupon: "SAVE10")).Problem(HttpStatusCode.BadRequest);
        var other_ = await (await http.Buy(other.Token, id, "wav_lease")).Body(HttpStatusCode.Created);
        Assert.Equal(49.99m, other_.Dec("amount"));

        // Two purchases racing for one accepted offer: one is priced by it, the other is refused.
        var race = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => http.BuyWith(buyer.Token, id, "wav_lease", offerId: offer.OfferId())));
        Assert.Single(race, r => r.StatusCode == HttpStatusCode.Created);
        Assert.Single(race, r => r.StatusCode == HttpStatusCode.Conflict);
        // An order naming no offer while that one waits for payment (a second click) is refused too, not charged in
        // full.
        var pendingId = (await race.Single(r => r.StatusCode == HttpStatusCode.Created).Body(HttpStatusCode.Created))
            .PurchaseId();
        var second = await (await http.Buy(buyer.Token, id, "wav_lease")).Problem(HttpStatusCode.Conflict);
        Assert.Contains(pendingId, second.Str("detail"), StringComparison.Ordinal);
        // Accepted is answered: neither side withdraws or declines it any more.
        await (await http.AnswerOffer(buyer.Token, offer.OfferId(), "withdraw")).Problem(HttpStatusCode.Conflict);
        await (await http.AnswerOffer(producer.Token, offer.OfferId(), "decline")).Problem(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task An_offer_on_a_deleted_beat_is_not_for_sale_when_countered_and_an_invisible_note_is_no_note()
    {
        var producer = await User();
        var buyer = await User();
        var beat = await http.ReadyBeat(producer.Token);
        // A note of zero-width spaces is no note: the chat shows the offer's own line, not an empty one.
        var offer = await (await http.MakeOffer(buyer.Token, beat.Id(), "wav_lease", 30m, "\u200b\u200b"))
            .Body(HttpStatusCode.Created);
        var line = Assert.Single(await Messages(buyer.Token, offer.Str("chat_id")))!;
        Assert.StartsWith("Offer: 30.00 USD", line.Str("content"), StringComparison.Ordinal);

        await (await http.Send(HttpMethod.Delete, $"/api/beats/{beat.Id()}/delete", producer.Token))
            .Body(HttpStatusCode.OK);
        // The offer exists; its beat is gone: a conflict, not "no such offer".
        var refused = await (await http.CounterOffer(producer.Token, offer.OfferId(), 40m))
            .Problem(HttpStatusCode.Conflict);
        Assert.Contains("deleted", refused.Str("detail"), StringComparison.Ordinal);
    }
}

/// <summary>A host whose market clock the test moves and whose offers expire after an hour (configured).</summary>
public sealed class OfferClockHost() : MarketplaceHost(
    new()
    {
        ["Purchasing:RetryPeriod"] = "00:00:01",
        ["Purchasing:ReconcilePeriod"] = "00:00:02",
        ["Purchasing:OfferExpiry"] = "01:00:00",
        ["Purchasing:OfferPurchaseWindow"] = "02:00:00",
    },
    services => Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddKeyedSingleton<TimeProvider>(services, Contracts.Clocks.Market, Clock))
{
    public static readonly MarketClock Clock = new();
}

public sealed class OfferExpiryTests(OfferClockHost host) : IClassFixture<OfferClockHost>
{
    private readonly HttpClient http = host.CreateClient();

    [Fact]
    public async Task Unanswered_offers_and_unbought_accepted_offers_expire_on_the_configured_clock()
    {
        var producer = (await http.LogIn(await http.SignUp())).Token;
        var buyer = (await http.LogIn(await http.SignUp())).Token;
        var other = (await http.LogIn(await http.SignUp())).Token;
        var beat = await http.ReadyBeat(producer);

        var open = await (await http.MakeOffer(buyer, beat.Id(), "wav_lease", 30m)).Body(HttpStatusCode.Created);
        Assert.Equal(TimeSpan.FromHours(1), open["expires_at"]!.GetValue<DateTimeOffset>() - open["created_at"]!.GetValue<DateTimeOffset>());
        var exclusive = await (await http.MakeOffer(buyer, beat.Id(), "exclusive", 300m)).Body(HttpStatusCode.Created);
        await (await http.AnswerOffer(producer, exclusive.OfferId(), "accept")).Body(HttpStatusCode.OK);
        await (await http.Buy(other, beat.Id(), "exclusive")).Problem(HttpStatusCode.Conflict);

        OfferClockHost.Clock.Advance(TimeSpan.FromMinutes(61));
        Assert.Equal("expired", (await http.Offer(producer, open.OfferId())).Str("status"));
        var late = await (await http.AnswerOffer(producer, open.OfferId(), "accept")).Problem(HttpStatusCode.Conflict);
        Assert.Equal("expired", late.Str("offer_status"));
        Assert.Equal("accepted", (await http.Offer(buyer, exclusive.OfferId())).Str("status"));

        OfferClockHost.Clock.Advance(TimeSpan.FromMinutes(61));
        Assert.Equal("expired", (await http.Offer(buyer, exclusive.OfferId())).Str("status"));
        await (await http.BuyWith(buyer, beat.Id(), "exclusive", offerId: exclusive.OfferId())).Problem(HttpStatusCode.Conflict);
        // The hold ended with the offer: the exclusive is on the market at its list price again.
        var listed = await (await http.Buy(other, beat.Id(), "exclusive")).Body(HttpStatusCode.Created);
        Assert.Equal(499.99m, listed.Dec("amount"));
    }
}
