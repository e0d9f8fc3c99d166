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
    public async Task A_sale_repeated_after_hundreds_of_other_entries_is_still_listed_and_totalled_once()
    {
        var ledger = cluster.Grains.GetGrain<IPurchaseLedgerGrain>(Guid.NewGuid().ToString("N"));
        await ledger.AddSale(SaleOf("p1", 1000));
        // A busy producer's other sales, while the purchase of p1 lost its own write and waits for its reminder.
        for (var i = 0; i < 300; i++)
        {
            await ledger.AddSale(SaleOf($"other-{i}", 1));
        }

        await ledger.AddSale(SaleOf("p1", 1000));

        Assert.Equal([new SalesTotal("USD", 1300, 301)], await ledger.SalesTotals());
        var listed = new List<string>();
        string? cursor = null;
        do
        {
            var page = (await ledger.Sales(100, cursor))!;
            listed.AddRange(page.Items.Select(s => s.PurchaseId));
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        Assert.Equal(301, listed.Count);
        Assert.Single(listed, id => id == "p1");
        Assert.Equal("p1", listed[^1]);
    }

    [Fact]
    public async Task A_sale_whose_slot_was_taken_after_its_head_write_failed_is_listed_by_its_retry()
    {
        var producer = Guid.NewGuid().ToString("N");
        var ledger = cluster.Grains.GetGrain<IPurchaseLedgerGrain>(producer);
        await ledger.AddSale(SaleOf("p1", 1000));
        // p2's mark and page are stored at slot 1; the head, which would count it, is not.
        using (StorageFaults.FailWrites($"ledger/{producer}"))
        {
            await Assert.ThrowsAnyAsync<Exception>(() => ledger.AddSale(SaleOf("p2", 2000)));
        }

        // The next activation counts one sale: p3 takes slot 1, and p2's retry finds p3 there and lists p2 anew.
        await EventuallyAdds(() => ledger.AddSale(SaleOf("p3", 3000)));
        await ledger.AddSale(SaleOf("p2", 2000));
        await ledger.AddSale(SaleOf("p2", 2000));

        Assert.Equal(["p2", "p3", "p1"], (await ledger.Sales(10, null))!.Items.Select(s => s.PurchaseId));
        Assert.Equal([new SalesTotal("USD", 6000, 3)], await ledger.SalesTotals());
    }

    private static async Task EventuallyAdds(Func<Task> add)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await add();
                return;
            }
            catch (Exception) when (attempt < 20)
            {
                // The activation that failed its write is on its way out; the next one reads the stored head.
                await Task.Delay(100);
            }
        }
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
