using System.Net;

namespace BeatOrleans.Integration.Tests.Purchasing;

/// <summary>Purchasing in the cluster profile: a purchasing silo, purchases in PostgreSQL, files in S3, two API nodes.</summary>
[Collection(LocalClusterGroup.Name)]
public sealed class ClusterPurchasingTests(LocalCluster cluster)
{
    [Fact]
    public async Task A_purchase_placed_on_one_node_is_paid_on_the_other_and_downloaded_from_s3()
    {
        using var node1 = new HttpClient { BaseAddress = await cluster.Api(1) };
        using var node2 = new HttpClient { BaseAddress = await cluster.Api(2) };
        var producer = (await node1.LogIn(await node1.SignUp())).Token;
        var buyer = (await node2.LogIn(await node2.SignUp())).Token;
        var beat = await node1.ReadyBeat(producer);

        var placed = await (await node1.Buy(buyer, beat.Id(), "wav_lease")).Body(HttpStatusCode.Created);
        Assert.Equal("completed", (await (await node2.Confirm(buyer, placed.PurchaseId())).Body(HttpStatusCode.OK)).Status());
        var sales = await (await node1.Send(HttpMethod.Get, "/api/sales", producer)).Body(HttpStatusCode.OK);
        Assert.Equal(placed.PurchaseId(), Assert.Single(sales["sales"]!.AsArray())!["purchase_id"]!.GetValue<string>());

        var download = await (await node2.Send(HttpMethod.Get, $"/api/purchases/{placed.PurchaseId()}/download", buyer)).Body(HttpStatusCode.OK);
        var wav = download["files"]!.AsArray().Single(f => f!["name"]!.GetValue<string>() == "wav")!;
        using var noRedirect = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var redirect = await noRedirect.GetAsync(wav["url"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.Contains("X-Amz-Signature", redirect.Headers.Location!.Query, StringComparison.Ordinal);
        var bytes = await (await node1.GetAsync(wav["url"]!.GetValue<string>())).Content.ReadAsByteArrayAsync();
        Assert.Equal(wav["bytes"]!.GetValue<long>(), bytes.LongLength);
    }

    [Fact]
    public async Task Buyers_of_one_exclusive_on_both_nodes_get_exactly_one_hold()
    {
        using var node1 = new HttpClient { BaseAddress = await cluster.Api(1) };
        using var node2 = new HttpClient { BaseAddress = await cluster.Api(2) };
        var producer = (await node1.LogIn(await node1.SignUp())).Token;
        var beat = await node1.ReadyBeat(producer);
        var buyers = new List<(HttpClient Node, string Token)>();
        for (var i = 0; i < 20; i++)
        {
            var node = i % 2 == 0 ? node1 : node2;
            buyers.Add((node, (await node.LogIn(await node.SignUp())).Token));
        }

        var answers = await Task.WhenAll(buyers.Select(async b => (b.Node, b.Token, Response: await b.Node.Buy(b.Token, beat.Id(), "exclusive"))));
        var winner = Assert.Single(answers, a => a.Response.StatusCode == HttpStatusCode.Created);
        Assert.Equal(19, answers.Count(a => a.Response.StatusCode == HttpStatusCode.Conflict));

        var purchase = await winner.Response.Body(HttpStatusCode.Created);
        Assert.Equal("completed", (await (await winner.Node.Confirm(winner.Token, purchase.PurchaseId())).Body(HttpStatusCode.OK)).Status());
        Assert.Single(cluster.Stripe.Ledger.IntentsForPurchase(purchase.PurchaseId()));
    }

    [Fact]
    public async Task A_purchasing_silo_killed_mid_confirmation_reconciles_to_one_capture_and_one_licence()
    {
        using var node1 = new HttpClient { BaseAddress = await cluster.Api(1) };
        using var node2 = new HttpClient { BaseAddress = await cluster.Api(2) };
        var producer = (await node1.LogIn(await node1.SignUp())).Token;
        var buyer = (await node2.LogIn(await node2.SignUp())).Token;
        var beat = await node1.ReadyBeat(producer);
        var stripe = cluster.Stripe;
        stripe.Webhooks.Hold = true; // the purchase must recover on its own, from its reminder
        try
        {
            var placed = await (await node1.Buy(buyer, beat.Id(), "exclusive")).Body(HttpStatusCode.Created);
            var paymentId = placed["payment"]!["payment_id"]!.GetValue<string>();

            // Stripe captures the payment but its answer never reaches the silo, which dies before it could write it.
            stripe.Faults.LoseResponseOfNext(1);
            var confirming = node1.Confirm(buyer, placed.PurchaseId());
            await Eventually.Holds(() => Task.FromResult(stripe.Ledger.Intent(paymentId)!.AmountCaptured != 0), TimeSpan.FromSeconds(30),
                "the confirmation never reached Stripe", TimeSpan.FromMilliseconds(50));

            await cluster.Kill("silo-purchasing");
            var answer = await confirming;
            Assert.True(answer.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.Accepted, $"confirm answered {answer.StatusCode}");
            await cluster.Start("silo-purchasing");

            var completed = await StatusThroughRestarts(node2, buyer, placed.PurchaseId(), "completed", TimeSpan.FromSeconds(90));
            Assert.Equal("completed", completed.Status());
            // Each API node learns within seconds that purchasing is back (Orleans:TypeMapRefreshInterval).
            await StatusThroughRestarts(node1, buyer, placed.PurchaseId(), "completed", TimeSpan.FromSeconds(15));
            Assert.Single(stripe.Ledger.IntentsForPurchase(placed.PurchaseId()));
            Assert.Equal(49999, stripe.Ledger.NetCaptured(paymentId));
            var profile = await (await node2.Send(HttpMethod.Get, "/api/users/profile", buyer)).Body(HttpStatusCode.OK);
            Assert.Contains(beat.Id(), profile["purchased_beats"]!.AsArray().Select(b => b!.GetValue<string>()));

            // The webhooks Stripe sent meanwhile arrive late, three times each: nothing happens twice.
            stripe.Webhooks.Hold = false;
            await stripe.Webhooks.DeliverHeld(copies: 3, shuffleSeed: 3);
            var sales = await (await node1.Send(HttpMethod.Get, "/api/sales", producer)).Body(HttpStatusCode.OK);
            Assert.Single(sales["sales"]!.AsArray());
            Assert.Equal("sold", (await (await node1.GetAsync($"/api/beats/{beat.Id()}")).Body(HttpStatusCode.OK))["status"]!.GetValue<string>());
            Assert.Equal(49999, stripe.Ledger.NetCaptured(paymentId));
        }
        finally
        {
            stripe.Webhooks.Hold = false;
        }
    }

    /// <summary>Polls a purchase through restarts (503 while its silo is away) until it has <paramref name="status"/>.</summary>
    private static async Task<System.Text.Json.Nodes.JsonObject> StatusThroughRestarts(
        HttpClient node, string token, string purchaseId, string status, TimeSpan within) =>
        (await Eventually.Holds(
            async () =>
            {
                var response = await node.Send(HttpMethod.Get, $"/api/purchases/{purchaseId}", token);
                return response.StatusCode == HttpStatusCode.ServiceUnavailable ? null : await response.Body(HttpStatusCode.OK);
            },
            purchase => purchase is not null && purchase.Status() == status, within,
            _ => $"purchase {purchaseId} did not become {status} in time", TimeSpan.FromMilliseconds(250)))!;
}
