using System.Net;

namespace BeatOrleans.Integration.Tests.Purchasing;

/// <summary>Offers and coupons in the cluster profile: the offer's grain answers whichever API node the parties use.</summary>
[Collection(LocalClusterGroup.Name)]
public sealed class ClusterOfferTests(LocalCluster cluster)
{
    [Fact]
    public async Task An_offer_made_on_one_node_is_accepted_on_the_other_and_the_payment_charges_its_price()
    {
        using var node1 = new HttpClient { BaseAddress = await cluster.Api(1) };
        using var node2 = new HttpClient { BaseAddress = await cluster.Api(2) };
        var producer = await node2.LogIn(await node2.SignUp());
        var buyer = await node1.LogIn(await node1.SignUp());
        var beat = await node1.ReadyBeat(producer.Token);
        var (producerHub, pushed) = await LiveClients.ConnectHub(await cluster.Api(2), producer.Token);
        await using var _ = producerHub;

        var made = await (await node1.MakeOffer(buyer.Token, beat.Id(), "wav_lease", 35m, "35 for the WAV?")).Body(HttpStatusCode.Created);
        var live = await pushed.First("ReceiveMessage", m => m["kind"]?.GetValue<string>() == "offer");
        Assert.Equal(made.OfferId(), live["offer"]!.Str("offer_id"));

        // Accept and withdraw race on the two nodes: one grain decides, one of them wins.
        var race = await Task.WhenAll(node2.AnswerOffer(producer.Token, made.OfferId(), "accept"), node1.AnswerOffer(buyer.Token, made.OfferId(), "withdraw"));
        var winner = Assert.Single(race, r => r.StatusCode == HttpStatusCode.OK);
        Assert.Single(race, r => r.StatusCode == HttpStatusCode.Conflict);
        var offer = await winner.Body(HttpStatusCode.OK);
        if (offer.Str("status") == "withdrawn")
        {
            offer = await (await node1.MakeOffer(buyer.Token, beat.Id(), "wav_lease", 35m)).Body(HttpStatusCode.Created);
            await (await node2.AnswerOffer(producer.Token, offer.OfferId(), "accept")).Body(HttpStatusCode.OK);
        }

        Assert.Equal("accepted", (await node1.Offer(buyer.Token, offer.OfferId())).Str("status"));
        var purchase = await (await node1.Buy(buyer.Token, beat.Id(), "wav_lease")).Body(HttpStatusCode.Created);
        Assert.Equal(35m, purchase.Dec("amount"));
        Assert.Equal(offer.OfferId(), purchase.Str("offer_id"));
        Assert.Equal("completed", (await (await node2.Confirm(buyer.Token, purchase.PurchaseId())).Body(HttpStatusCode.OK)).Status());
        Assert.Equal(3500, Assert.Single(cluster.Stripe.Ledger.IntentsForPurchase(purchase.PurchaseId())).Amount);
        Assert.Equal("purchased", (await node2.Offer(producer.Token, offer.OfferId())).Str("status"));
        var agreement = await node2.Send(HttpMethod.Get, $"/api/purchases/{purchase.PurchaseId()}/license.pdf", producer.Token);
        Assert.Equal("application/pdf", agreement.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task A_coupons_last_use_goes_to_one_of_two_buyers_on_different_nodes_and_the_charge_is_discounted()
    {
        using var node1 = new HttpClient { BaseAddress = await cluster.Api(1) };
        using var node2 = new HttpClient { BaseAddress = await cluster.Api(2) };
        var producer = (await node1.LogIn(await node1.SignUp())).Token;
        var first = (await node1.LogIn(await node1.SignUp())).Token;
        var second = (await node2.LogIn(await node2.SignUp())).Token;
        var beat = await node1.ReadyBeat(producer);
        var code = $"ONCE{Guid.NewGuid():N}"[..12].ToUpperInvariant();
        await (await node1.CreateCoupon(producer, new { code, percent_off = 50, max_uses = 1 })).Body(HttpStatusCode.Created);

        var answers = await Task.WhenAll(node1.BuyWith(first, beat.Id(), "mp3_lease", coupon: code), node2.BuyWith(second, beat.Id(), "mp3_lease", coupon: code));
        var won = Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Created);
        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Conflict);
        var purchase = await won.Body(HttpStatusCode.Created);
        var buyer = won == answers[0] ? first : second;
        Assert.Equal("completed", (await (await node2.Confirm(buyer, purchase.PurchaseId())).Body(HttpStatusCode.OK)).Status());
        Assert.Equal(1499, Assert.Single(cluster.Stripe.Ledger.IntentsForPurchase(purchase.PurchaseId())).Amount);
    }
}
