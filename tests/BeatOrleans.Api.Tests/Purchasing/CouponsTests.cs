using System.Net;

namespace BeatOrleans.Api.Tests.Purchasing;

public sealed class CouponsTests(MarketplaceHost host) : IClassFixture<MarketplaceHost>
{
    private readonly HttpClient http = host.CreateClient();

    private async Task<Tokens> User() => await http.LogIn(await http.SignUp());

    private static string Code() => $"SAVE{Guid.NewGuid():N}"[..16].ToUpperInvariant();

    [Fact]
    public async Task A_producers_coupons_come_a_page_at_a_time_newest_first()
    {
        var producer = await User();
        var codes = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var code = Code();
            await (await http.CreateCoupon(producer.Token, new { code, percent_off = 10 + i }))
                .Body(HttpStatusCode.Created);
            codes.Add(code);
        }

        var first = await (await http.Send(HttpMethod.Get, "/api/coupons?limit=2", producer.Token))
            .Body(HttpStatusCode.OK);
        var cursor = Uri.EscapeDataString(first["next_cursor"]!.GetValue<string>());
        var second = await (await http.Send(HttpMethod.Get, $"/api/coupons?limit=2&cursor={cursor}", producer.Token))
            .Body(HttpStatusCode.OK);

        var listed = first["coupons"]!.AsArray().Concat(second["coupons"]!.AsArray())
            .Select(c => c!.Str("code")).ToList();
        Assert.Equal(Enumerable.Reverse(codes), listed);
        Assert.Null(second["next_cursor"]);
        await (await http.Send(HttpMethod.Get, "/api/coupons?cursor=t1.x", producer.Token))
            .Problem(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_code_deleted_and_made_again_is_a_new_coupon_that_the_old_ones_purchases_do_not_use_up()
    {
        var producer = await User();
        var (first, second, third) = (await User(), await User(), await User());
        var beat = await http.ReadyBeat(producer.Token);
        var code = Code();
        var definition = new { code, percent_off = 20, max_uses = 1 };
        await (await http.CreateCoupon(producer.Token, definition)).Body(HttpStatusCode.Created);
        var old = await (await http.BuyWith(first.Token, beat.Id(), "mp3_lease", coupon: code))
            .Body(HttpStatusCode.Created);

        await (await http.Send(HttpMethod.Delete, $"/api/coupons/{code}", producer.Token)).Body(HttpStatusCode.OK);
        await (await http.CreateCoupon(producer.Token, definition)).Body(HttpStatusCode.Created);
        var renewed = await (await http.BuyWith(second.Token, beat.Id(), "mp3_lease", coupon: code))
            .Body(HttpStatusCode.Created);
        // The old coupon's purchase, paid now, keeps its discount but is no use of the new coupon.
        var paidOld = await (await http.Confirm(first.Token, old.PurchaseId())).Body(HttpStatusCode.OK);
        var paidRenewed = await (await http.Confirm(second.Token, renewed.PurchaseId())).Body(HttpStatusCode.OK);
        Assert.Equal(("completed", "completed"), (paidOld.Str("status"), paidRenewed.Str("status")));

        var coupon = await (await http.Send(HttpMethod.Get, $"/api/coupons/{code}", producer.Token))
            .Body(HttpStatusCode.OK);
        Assert.Equal(1, coupon["uses"]!.GetValue<int>());
        Assert.Equal(0, coupon["reserved"]!.GetValue<int>());
        await (await http.BuyWith(third.Token, beat.Id(), "mp3_lease", coupon: code)).Problem(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_percent_coupon_discounts_the_purchase_the_payment_and_the_sale_and_counts_one_use()
    {
        var producer = await User();
        var buyer = await User();
        var beat = await http.ReadyBeat(producer.Token);
        var code = Code();
        var coupon = await (await http.CreateCoupon(producer.Token, new { code = code.ToLowerInvariant(), percent_off = 20, max_uses = 5 })).Body(HttpStatusCode.Created);
        Assert.Equal(code, coupon.Str("code"));
        Assert.Equal(0, coupon["uses"]!.GetValue<int>());

        var placed = await (await http.BuyWith(buyer.Token, beat.Id(), "wav_lease", coupon: code.ToLowerInvariant())).Body(HttpStatusCode.Created);
        Assert.Equal(39.99m, placed.Dec("amount"));
        Assert.Equal(49.99m, placed.Dec("list_price"));
        Assert.Equal(10.00m, placed.Dec("discount"));
        Assert.Equal(code, placed.Str("coupon"));
        Assert.Equal(1, (await (await http.Send(HttpMethod.Get, $"/api/coupons/{code}", producer.Token)).Body(HttpStatusCode.OK))["reserved"]!.GetValue<int>());

        var paid = await (await http.Confirm(buyer.Token, placed.PurchaseId())).Body(HttpStatusCode.OK);
        Assert.Equal(39.99m, paid.Dec("amount"));
        var sale = Assert.Single((await (await http.Send(HttpMethod.Get, "/api/sales", producer.Token)).Body(HttpStatusCode.OK))["sales"]!.AsArray())!;
        Assert.Equal(39.99m, sale.Dec("amount"));
        Assert.Equal(10.00m, sale.Dec("discount"));
        Assert.Equal(code, sale.Str("coupon"));
        var counted = await (await http.Send(HttpMethod.Get, $"/api/coupons/{code}", producer.Token)).Body(HttpStatusCode.OK);
        Assert.Equal(1, counted["uses"]!.GetValue<int>());
        Assert.Equal(0, counted["reserved"]!.GetValue<int>());
        await (await http.Confirm(buyer.Token, placed.PurchaseId())).Body(HttpStatusCode.OK);
        Assert.Equal(1, (await (await http.Send(HttpMethod.Get, $"/api/coupons/{code}", producer.Token)).Body(HttpStatusCode.OK))["uses"]!.GetValue<int>());
        Assert.Equal(code, Assert.Single((await (await http.Send(HttpMethod.Get, "/api/coupons", producer.Token)).Body(HttpStatusCode.OK))["coupons"]!.AsArray())!.Str("code"));
    }

    [Fact]
    public async Task Buyers_racing_for_the_last_uses_get_exactly_that_many_and_a_failed_payment_frees_its_use()
    {
        var producer = await User();
        var beat = await http.ReadyBeat(producer.Token);
        var code = Code();
        await (await http.CreateCoupon(producer.Token, new { code, amount_off = 5, currency = "USD", max_uses = 2 })).Body(HttpStatusCode.Created);
        var buyers = new List<Tokens>();
        for (var i = 0; i < 6; i++)
        {
            buyers.Add(await User());
        }

        var answers = await Task.WhenAll(buyers.Select(async b => (Buyer: b, Response: await http.BuyWith(b.Token, beat.Id(), "mp3_lease", coupon: code))));
        var winners = answers.Where(a => a.Response.StatusCode == HttpStatusCode.Created).ToList();
        Assert.Equal(2, winners.Count);
        Assert.Equal(4, answers.Count(a => a.Response.StatusCode == HttpStatusCode.Conflict));
        var loser = answers.First(a => a.Response.StatusCode == HttpStatusCode.Conflict);
        Assert.Contains("use", (await loser.Response.Problem(HttpStatusCode.Conflict)).Str("detail"), StringComparison.Ordinal);

        // One winner's card is declined: its use is free again, and the loser takes it.
        var first = await winners[0].Response.Body(HttpStatusCode.Created);
        Assert.Equal(24.99m, first.Dec("amount"));
        await (await http.Confirm(winners[0].Buyer.Token, first.PurchaseId(), "pm_card_chargeDeclined")).Body(HttpStatusCode.PaymentRequired);
        var retry = await (await http.BuyWith(loser.Buyer.Token, beat.Id(), "mp3_lease", coupon: code)).Body(HttpStatusCode.Created);
        await (await http.Confirm(loser.Buyer.Token, retry.PurchaseId())).Body(HttpStatusCode.OK);
        var second = await winners[1].Response.Body(HttpStatusCode.Created);
        await (await http.Confirm(winners[1].Buyer.Token, second.PurchaseId())).Body(HttpStatusCode.OK);

        var usage = await (await http.Send(HttpMethod.Get, $"/api/coupons/{code}", producer.Token)).Body(HttpStatusCode.OK);
        Assert.Equal(2, usage["uses"]!.GetValue<int>());
        Assert.Equal(0, usage["reserved"]!.GetValue<int>());
        await (await http.BuyWith(buyers[5].Token, beat.Id(), "mp3_lease", coupon: code)).Problem(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Coupons_apply_only_where_they_are_valid_and_bad_coupons_are_refused()
    {
        var producer = await User();
        var otherProducer = await User();
        var buyer = await User();
        var beat = await http.ReadyBeat(producer.Token);
        var foreignBeat = await http.ReadyBeat(otherProducer.Token);

        foreach (var body in new object[]
        {
            new { code = "x", percent_off = 10 },
            new { code = "HAS SPACE", percent_off = 10 },
            new { code = Code() },
            new { code = Code(), percent_off = 10, amount_off = 5 },
            new { code = Code(), percent_off = 100 },
            new { code = Code(), percent_off = 0 },
            new { code = Code(), amount_off = 5.555 },
            new { code = Code(), amount_off = 5, currency = "DOLLARS" },
            new { code = Code(), amount_off = 5, currency = "EUR" },
            new { code = Code(), percent_off = 20, currency = "JPY" }, // a share of the price has no currency
            new { code = Code(), percent_off = 10, license_types = new[] { "platinum" } },
            new { code = Code(), percent_off = 10, max_uses = 0 },
            new { code = Code(), percent_off = 10, expires_at = DateTimeOffset.UtcNow.AddDays(-1) },
            new { code = Code(), percent_off = 10, beat_ids = new[] { foreignBeat.Id() } },
            new { code = Code(), percent_off = 10, beat_ids = new[] { "nonsense" } },
            new { code = Code(), percent_off = 10, beat_ids = new string?[] { null } },
            new { code = Code(), percent_off = 10, license_types = new string?[] { null } },
        })
        {
            await (await http.CreateCoupon(producer.Token, body)).Problem(HttpStatusCode.BadRequest);
        }

        var tierOnly = Code();
        await (await http.CreateCoupon(producer.Token, new { code = tierOnly, percent_off = 50, license_types = new[] { "exclusive" }, beat_ids = new[] { beat.Id() } }))
            .Body(HttpStatusCode.Created);
        await (await http.CreateCoupon(producer.Token, new { code = tierOnly, percent_off = 10 })).Problem(HttpStatusCode.Conflict);
        var tooBig = Code();
        await (await http.CreateCoupon(producer.Token, new { code = tooBig, amount_off = 100 })).Body(HttpStatusCode.Created);
        var dollars = await (await http.CreateCoupon(producer.Token,
            new { code = Code(), amount_off = 5, currency = "usd" })).Body(HttpStatusCode.Created);
        Assert.Equal("USD", dollars.Str("currency"));

        // Another tier, a coupon bigger than the price: 409; unknown or another producer's code: 400.
        await (await http.BuyWith(buyer.Token, beat.Id(), "wav_lease", coupon: tierOnly)).Problem(HttpStatusCode.Conflict);
        await (await http.BuyWith(buyer.Token, beat.Id(), "mp3_lease", coupon: tooBig)).Problem(HttpStatusCode.Conflict);
        await (await http.BuyWith(buyer.Token, foreignBeat.Id(), "mp3_lease", coupon: tierOnly)).Problem(HttpStatusCode.BadRequest);
        await (await http.BuyWith(buyer.Token, beat.Id(), "mp3_lease", coupon: "NOPE-NOT-HERE")).Problem(HttpStatusCode.BadRequest);
        await (await http.BuyWith(buyer.Token, beat.Id(), "mp3_lease", coupon: "!")).Problem(HttpStatusCode.BadRequest);
        // A refused coupon holds nothing: the exclusive is still free for the next buyer.
        var leaseOnly = Code();
        await (await http.CreateCoupon(producer.Token,
            new { code = leaseOnly, percent_off = 5, license_types = new[] { "mp3_lease" } }))
            .Body(HttpStatusCode.Created);
        await (await http.BuyWith(buyer.Token, beat.Id(), "exclusive", coupon: leaseOnly))
            .Problem(HttpStatusCode.Conflict);
        var exclusive = await (await http.BuyWith(buyer.Token, beat.Id(), "exclusive", coupon: tierOnly)).Body(HttpStatusCode.Created);
        Assert.Equal(249.99m, exclusive.Dec("amount"));
        Assert.Equal(250.00m, exclusive.Dec("discount"));

        // Coupons are their producer's alone.
        await (await http.Send(HttpMethod.Get, $"/api/coupons/{tierOnly}", otherProducer.Token)).Problem(HttpStatusCode.NotFound);
        await (await http.Send(HttpMethod.Delete, $"/api/coupons/{tierOnly}", otherProducer.Token)).Problem(HttpStatusCode.NotFound);
        Assert.Empty((await (await http.Send(HttpMethod.Get, "/api/coupons", otherProducer.Token)).Body(HttpStatusCode.OK))["coupons"]!.AsArray());
        await (await http.Send(HttpMethod.Delete, $"/api/coupons/{tooBig}", producer.Token)).Body(HttpStatusCode.OK);
        await (await http.Send(HttpMethod.Get, $"/api/coupons/{tooBig}", producer.Token)).Problem(HttpStatusCode.NotFound);
        await (await http.BuyWith(buyer.Token, beat.Id(), "mp3_lease", coupon: tooBig)).Problem(HttpStatusCode.BadRequest);
    }
}

/// <summary>Like <see cref="OfferClockHost"/>, with a clock of its own: test classes run in parallel.</summary>
public sealed class CouponClockHost() : MarketplaceHost(
    new() { ["Purchasing:RetryPeriod"] = "00:00:01", ["Purchasing:ReconcilePeriod"] = "00:00:02" },
    services => Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddKeyedSingleton<TimeProvider>(services, Contracts.Clocks.Market, Clock))
{
    public static readonly MarketClock Clock = new();
}

public sealed class CouponExpiryTests(CouponClockHost host) : IClassFixture<CouponClockHost>
{
    private readonly HttpClient http = host.CreateClient();

    [Fact]
    public async Task A_use_held_by_an_unpaid_purchase_lapses_with_its_payment_window_and_an_expired_coupon_is_refused()
    {
        var producer = (await http.LogIn(await http.SignUp())).Token;
        var first = (await http.LogIn(await http.SignUp())).Token;
        var second = (await http.LogIn(await http.SignUp())).Token;
        var beat = await http.ReadyBeat(producer);
        var code = $"LAST{Guid.NewGuid():N}"[..12].ToUpperInvariant();
        var expires = CouponClockHost.Clock.GetUtcNow().AddHours(1);
        await (await http.CreateCoupon(producer, new { code, percent_off = 10, max_uses = 1, expires_at = expires })).Body(HttpStatusCode.Created);

        var held = await (await http.BuyWith(first, beat.Id(), "mp3_lease", coupon: code)).Body(HttpStatusCode.Created);
        await (await http.BuyWith(second, beat.Id(), "mp3_lease", coupon: code)).Problem(HttpStatusCode.Conflict);

        CouponClockHost.Clock.Advance(TimeSpan.FromMinutes(16));
        await http.WaitForStatus(first, held.PurchaseId(), "expired");
        var taken = await (await http.BuyWith(second, beat.Id(), "mp3_lease", coupon: code)).Body(HttpStatusCode.Created);
        Assert.Equal(26.99m, taken.Dec("amount"));

        CouponClockHost.Clock.Advance(TimeSpan.FromMinutes(50));
        var expired = await (await http.BuyWith(first, beat.Id(), "wav_lease", coupon: code)).Problem(HttpStatusCode.Conflict);
        Assert.Contains("expired", expired.Str("detail"), StringComparison.Ordinal);
    }
}
