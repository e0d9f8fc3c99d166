using System.Net;
using Microsoft.Data.Sqlite;

namespace BeatOrleans.Api.Tests.Purchasing;

/// <summary>What a buyer pays when the producer changes the licences, and the smallest payment.</summary>
public sealed class PricingEdgeTests(MarketplaceHost host) : IClassFixture<MarketplaceHost>
{
    private readonly HttpClient http = host.CreateClient();

    private async Task<Tokens> User() => await http.LogIn(await http.SignUp());

    private Task<HttpResponseMessage> SetLicenses(string token, string beatId, params object[] licenses) =>
        http.Send(HttpMethod.Put, $"/api/beats/{beatId}/licenses", token, new { licenses });

    [Fact]
    public async Task An_exclusive_the_producer_withdraws_while_its_buyer_pays_is_neither_charged_nor_sold()
    {
        var producer = await User();
        var buyer = await User();
        var beat = await http.ReadyBeat(producer.Token);
        var purchase = await (await http.Buy(buyer.Token, beat.Id(), "exclusive")).Body(HttpStatusCode.Created);

        var lease = new { license_type = "mp3_lease", price = 29.99 };
        await (await SetLicenses(producer.Token, beat.Id(), lease)).Body(HttpStatusCode.OK);
        var refused = await (await http.Confirm(buyer.Token, purchase.PurchaseId())).Problem(HttpStatusCode.Conflict);

        Assert.Equal("failed", refused["purchase_status"]!.GetValue<string>());
        Assert.Equal("failed", (await http.Purchase(buyer.Token, purchase.PurchaseId())).Status());
        var listed = await (await http.GetAsync($"/api/beats/{beat.Id()}")).Body(HttpStatusCode.OK);
        Assert.Equal("ready", listed["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_accepted_offer_dearer_than_a_lowered_list_price_does_not_raise_what_the_buyer_pays()
    {
        var producer = await User();
        var buyer = await User();
        var beat = await http.ReadyBeat(producer.Token);
        var offer = await (await http.MakeOffer(buyer.Token, beat.Id(), "wav_lease", 45m)).Body(HttpStatusCode.Created);
        await (await http.AnswerOffer(producer.Token, offer.OfferId(), "accept")).Body(HttpStatusCode.OK);

        var cheaper = new { license_type = "wav_lease", price = 19.99 };
        await (await SetLicenses(producer.Token, beat.Id(), cheaper)).Body(HttpStatusCode.OK);
        var purchase = await (await http.Buy(buyer.Token, beat.Id(), "wav_lease")).Body(HttpStatusCode.Created);

        Assert.Equal(19.99m, purchase.Dec("amount"));
        Assert.Equal(19.99m, purchase.Dec("list_price"));
        Assert.Equal(0m, purchase.Dec("discount"));
    }

    [Fact]
    public async Task A_refused_order_without_an_idempotency_key_leaves_nothing_in_storage()
    {
        var producer = await User();
        var beat = await http.ReadyBeat(producer.Token);
        var before = await PurchaseRows();

        for (var i = 0; i < 5; i++)
        {
            await (await http.Buy(producer.Token, beat.Id(), "mp3_lease")).Problem(HttpStatusCode.BadRequest);
        }

        Assert.Equal(before, await PurchaseRows());
        // Under a key the refusal is kept, so that its repeats get the same answer.
        await (await http.Buy(producer.Token, beat.Id(), "mp3_lease", "own")).Problem(HttpStatusCode.BadRequest);
        await (await http.Buy(producer.Token, beat.Id(), "mp3_lease", "own")).Problem(HttpStatusCode.BadRequest);
        Assert.Equal(before + 1, await PurchaseRows());
    }

    private async Task<long> PurchaseRows()
    {
        var file = Path.Combine(host.DataDirectory, "beatorleans.db");
        await using var sqlite = new SqliteConnection($"Data Source={file}");
        await sqlite.OpenAsync();
        var count = sqlite.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM OrleansStorage WHERE GrainTypeString = 'purchase'";
        return (long)(await count.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task Offers_and_coupons_never_price_a_licence_below_the_smallest_payment()
    {
        var producer = await User();
        var buyer = await User();
        var beat = await http.ReadyBeat(producer.Token);

        await (await http.MakeOffer(buyer.Token, beat.Id(), "mp3_lease", 0.30m)).Problem(HttpStatusCode.BadRequest);
        var offer = await (await http.MakeOffer(buyer.Token, beat.Id(), "mp3_lease", 20m)).Body(HttpStatusCode.Created);
        await (await http.CounterOffer(producer.Token, offer.OfferId(), 0.30m)).Problem(HttpStatusCode.BadRequest);

        var code = $"DEEP{Guid.NewGuid():N}"[..16].ToUpperInvariant();
        var deep = new { code, amount_off = 29.6, currency = "USD" };
        await (await http.CreateCoupon(producer.Token, deep)).Body(HttpStatusCode.Created);
        var refused = await (await http.BuyWith(buyer.Token, beat.Id(), "mp3_lease", coupon: code))
            .Problem(HttpStatusCode.Conflict);
        Assert.Contains("smallest payment", refused["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
