using System.Net;
using BeatOrleans.Api.Tests;

namespace BeatOrleans.Integration.Tests;

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

        var answers = await Task.WhenAll(buyers.Select(b => b.Node.Buy(b.Token, beat.Id(), "exclusive")));
        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Created);
        Assert.Equal(19, answers.Count(a => a.StatusCode == HttpStatusCode.Conflict));
    }
}
