using BeatOrleans.Contracts.Purchasing;
using BeatOrleans.Purchasing.Payments;
using BeatOrleans.Purchasing.Payments.Simulated;

namespace BeatOrleans.Grains.Tests;

[Collection(GrainClusterGroup.Name)]
public sealed class PurchasingTests(GrainCluster cluster)
{
    private static Sale SaleOf(string purchaseId, long amount, string currency = "USD") =>
        new(purchaseId, "beat", "Title", "mp3_lease", "buyer", amount, currency, DateTimeOffset.UtcNow);

    [Fact]
    public async Task A_ledger_pages_sales_newest_first_counts_each_once_and_refuses_foreign_cursors()
    {
        var ledger = cluster.Grains.GetGrain<IPurchaseLedgerGrain>(Guid.NewGuid().ToString("N"));
        for (var i = 1; i <= 5; i++)
        {
            await ledger.AddSale(SaleOf($"p{i}", 1000 * i));
        }

        await ledger.AddSale(SaleOf("p3", 3000)); // a repeat from a retried completion
        await ledger.AddSale(SaleOf("p6", 500, "EUR"));

        var first = (await ledger.Sales(4, null))!;
        Assert.Equal(["p6", "p5", "p4", "p3"], first.Items.Select(s => s.PurchaseId));
        var rest = (await ledger.Sales(4, first.NextCursor))!;
        Assert.Equal(["p2", "p1"], rest.Items.Select(s => s.PurchaseId));
        Assert.Null(rest.NextCursor);
        Assert.Equal([new SalesTotal("EUR", 500, 1), new SalesTotal("USD", 15000, 5)], await ledger.SalesTotals());

        await ledger.AddPurchase("x1");
        var purchases = (await ledger.Purchases(1, null))!;
        Assert.Null(await ledger.Purchases(1, first.NextCursor)); // a sales cursor is not a purchases cursor
        Assert.Null(await ledger.Sales(1, "bm90LWEtY3Vyc29y"));
        Assert.Equal(["x1"], purchases.Items);
    }

    [Fact]
    public async Task The_simulated_gateway_behaves_like_stripe_test_mode()
    {
        var gateway = new SimulatedPaymentGateway(cluster.Grains);
        var key = Guid.NewGuid().ToString("N");
        var metadata = new Dictionary<string, string> { ["purchase_id"] = key };
        var created = await gateway.Create(new NewPayment(2999, "USD", "beat", metadata, key), default);
        Assert.Equal(GatewayPaymentState.RequiresPaymentMethod, created.State);
        Assert.Equal(created, await gateway.Create(new NewPayment(2999, "USD", "beat", metadata, key), default));
        var reused = await Assert.ThrowsAsync<PaymentGatewayException>(() => gateway.Create(new NewPayment(1999, "USD", "beat", metadata, key), default));
        Assert.False(reused.Transient);

        var declined = await gateway.Confirm(created.PaymentId, "pm_card_chargeDeclined", "c1", default);
        Assert.Equal(GatewayPaymentState.RequiresPaymentMethod, declined.State);
        Assert.Equal("generic_decline", declined.Decline!.Code);
        await Assert.ThrowsAsync<PaymentGatewayException>(() => gateway.Confirm(created.PaymentId, "pm_card_unknown", "c2", default));

        var paid = await gateway.Confirm(created.PaymentId, "pm_card_visa", "c3", default);
        Assert.Equal(GatewayPaymentState.Succeeded, paid.State);
        Assert.Equal(declined, await gateway.Confirm(created.PaymentId, "pm_card_visa", "c1", default)); // a key replays its first answer
        Assert.Equal(GatewayPaymentState.Succeeded, (await gateway.Cancel(created.PaymentId, "x", default)).State);

        await gateway.Refund(created.PaymentId, "r1", default);
        await gateway.Refund(created.PaymentId, "r1", default);
        Assert.Equal(2999, (await gateway.Retrieve(created.PaymentId, default)).AmountRefunded);
        await Assert.ThrowsAsync<PaymentGatewayException>(() => gateway.Refund(created.PaymentId, "r2", default));
    }
}
