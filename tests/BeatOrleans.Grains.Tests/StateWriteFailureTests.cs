using BeatOrleans.Contracts;
using BeatOrleans.Contracts.Catalog;
using BeatOrleans.Contracts.Chat;
using BeatOrleans.Contracts.Purchasing;
using BeatOrleans.Contracts.Users;
using Orleans.Core.Internal;

namespace BeatOrleans.Grains.Tests;

/// <summary>
/// A grain whose state write failed changed its memory but not its storage. Its caller's retry must not be answered
/// from that memory ("done", with nothing stored), and nothing the caller was told had failed may be stored later:
/// the activation refuses calls until its next activation has read storage again.
/// </summary>
[Collection(GrainClusterGroup.Name)]
public sealed class StateWriteFailureTests(GrainCluster cluster)
{
    private static readonly LicenseTier[] Tiers =
        [new(LicenseTypes.Mp3Lease, 29.99m, "USD"), new(LicenseTypes.Exclusive, 499m, "USD")];

    [Fact]
    public async Task An_exclusive_sale_whose_write_failed_is_not_confirmed_by_a_retry_and_is_sold_once()
    {
        var beatId = await ReadyBeat();
        var beat = cluster.Grains.GetGrain<IBeatGrain>(beatId);
        var (first, second) = (NewId(), NewId());
        var hold = GrainCluster.Clock.GetUtcNow().AddMinutes(15);
        var reserved = await beat.Reserve(first, NewId(), LicenseTypes.Exclusive, hold);
        Assert.Equal(ReserveOutcome.Reserved, reserved.Outcome);

        using (StorageFaults.FailWrites(beatId))
        {
            await Assert.ThrowsAnyAsync<Exception>(() => beat.CompleteSale(first, LicenseTypes.Exclusive));
            // The purchase's retry while the store still fails: refused, never "sold to you" from memory.
            await Assert.ThrowsAnyAsync<Exception>(() => beat.CompleteSale(first, LicenseTypes.Exclusive));
        }

        // The store is back: the retry completes the sale, and storage holds it.
        Assert.True(await Eventually(() => beat.CompleteSale(first, LicenseTypes.Exclusive)));
        await beat.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        Assert.Equal(BeatStatus.Sold, (await beat.GetBeat())!.Status);
        var other = await beat.Reserve(second, NewId(), LicenseTypes.Exclusive, hold);
        Assert.Equal(ReserveOutcome.Sold, other.Outcome);
    }

    [Fact]
    public async Task A_logout_whose_write_failed_is_not_done_until_it_is_stored_and_the_session_stays_revoked()
    {
        var (sessionId, user) = (NewId(), NewId());
        // A real account: a refresh asks it, and refuses a session whose account is gone whatever the session says.
        var name = $"w{user}"[..20];
        await cluster.Grains.GetGrain<IUserGrain>(user)
            .Register(new Signup(name, $"{name}@example.com", "correct horse battery"));
        var session = cluster.Grains.GetGrain<ISessionGrain>(sessionId);
        var secret = await session.Open(user);

        using (StorageFaults.FailWrites(sessionId))
        {
            await Assert.ThrowsAnyAsync<Exception>(session.Revoke);
            await Assert.ThrowsAnyAsync<Exception>(session.Revoke);
        }

        await Eventually(async () =>
        {
            await session.Revoke();
            return true;
        });
        await session.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        Assert.Null(await session.GetActiveUser());
        Assert.NotEqual(RefreshStatus.Rotated, (await session.Rotate(secret)).Status);
    }

    [Fact]
    public async Task A_sale_whose_ledger_write_failed_is_recorded_by_the_retry_and_kept()
    {
        var producer = NewId();
        var ledger = cluster.Grains.GetGrain<IPurchaseLedgerGrain>(producer);
        await ledger.AddSale(Sale("p1", 1000));

        // The page of sales is stored; the ledger's head, with its totals, is not.
        using (StorageFaults.FailWrites(producer, except: "ledgerpage"))
        {
            await Assert.ThrowsAnyAsync<Exception>(() => ledger.AddSale(Sale("p2", 2000)));
            await Assert.ThrowsAnyAsync<Exception>(() => ledger.AddSale(Sale("p2", 2000)));
        }

        await Eventually(async () =>
        {
            await ledger.AddSale(Sale("p2", 2000));
            return true;
        });
        await ledger.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        Assert.Equal([new SalesTotal("USD", 3000, 2)], await ledger.SalesTotals());
        Assert.Equal(["p2", "p1"], (await ledger.Sales(10, null))!.Items.Select(s => s.PurchaseId));
    }

    [Fact]
    public async Task A_chat_message_whose_write_failed_publishes_no_event_even_while_an_earlier_publication_ends()
    {
        var (a, b) = (NewId(), NewId());
        var chatId = ChatIds.For(a, b);
        var chat = cluster.Grains.GetGrain<IConversationGrain>(chatId);
        using (StorageFaults.SlowRelay(chatId, TimeSpan.FromMilliseconds(300)))
        {
            await chat.Send(new Outgoing(a, "a", b, "hi"));
            // The head write fails after the first message's publication has ended.
            using (StorageFaults.FailWrites(chatId, TimeSpan.FromMilliseconds(800)))
            {
                await Assert.ThrowsAnyAsync<Exception>(() => chat.Send(new Outgoing(a, "a", b, "never stored")));
            }

            var ok = await Eventually(() => chat.Send(new Outgoing(b, "b", a, "ok")));
            Assert.Equal(1, ok.Sequence);
            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        var page = await chat.GetMessages(a, null, null, 10);
        Assert.Equal(["hi", "ok"], page!.Messages.Select(m => m.Content));
        var relayed = StorageFaults.Relayed.Where(e => e.AggregateId == chatId).ToList();
        // Each event id stands for one message: sent again perhaps (at least once), never with another payload.
        Assert.All(relayed.GroupBy(e => e.Id), same => Assert.Single(same.Select(e => e.Data).Distinct()));
        Assert.DoesNotContain(relayed, e => e.Data.Contains("\"length\":12", StringComparison.Ordinal));
    }

    private async Task<string> ReadyBeat()
    {
        var beatId = NewId();
        static StoredFile File(string name) => new($"beats/{name}", name == "wav" ? "wav" : "mp3", 1_000);
        var beat = cluster.Grains.GetGrain<IBeatGrain>(beatId);
        await beat.Create(
            new BeatDraft(NewId(), "Night Drive", "Producer", "trap", 140, "Am", ["dark"], Tiers, File("master"), null));
        await beat.CompleteProcessing(
            new BeatMedia(120, 44_100, 2, File("preview"), File("mp3"), File("wav"), [0.5f]));
        return beatId;
    }

    private static Sale Sale(string purchaseId, long amountMinor) =>
        new(purchaseId, "beat", "Night Drive", LicenseTypes.Mp3Lease, "buyer", amountMinor, "USD",
            DateTimeOffset.UtcNow);

    /// <summary>Repeats a call refused while the failed activation is being replaced (at most 5 s).</summary>
    private static async Task<T> Eventually<T>(Func<Task<T>> call)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (StateNotSavedException) when (attempt < 50)
            {
                await Task.Delay(100);
            }
        }
    }

    private static string NewId() => Guid.NewGuid().ToString("N");
}
