using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BeatOrleans.Web.Tests;

[Collection(BrowserGroup.Name)]
public sealed class NegotiationPagesTests(BrowserMarketplace marketplace)
{
    [Fact]
    public async Task Buyer_offers_producer_counters_buyer_accepts_and_buys_at_the_agreed_price()
    {
        var producerPage = await marketplace.NewPage();
        var producer = await producerPage.SignUpInBrowser("haggle");
        var (_, _, beatId, title) = await marketplace.Api.ProducerWithReadyBeat(producer);

        // The buyer offers 30 for the WAV lease (list 49.99) from the beat page and lands in the chat with its card.
        var buyerPage = await marketplace.NewPage();
        await buyerPage.SignUpInBrowser("bidder");
        await buyerPage.GotoAsync($"/beats/{beatId}");
        await buyerPage.Field("Licence").SelectOptionAsync("wav_lease");
        await buyerPage.Field("Your price").FillAsync("30");
        await buyerPage.Field("Note to the producer (optional)").FillAsync("Would you take 30?");
        await buyerPage.Button("Make offer").ClickAsync();
        var chat = buyerPage.GetByRole(AriaRole.Heading, new() { Name = $"Chat with {producer.Username}" });
        await Expect(chat).ToBeVisibleAsync();
        var buyerLog = buyerPage.GetByRole(AriaRole.Log);
        await Expect(buyerLog).ToContainTextAsync($"Offer: $30.00 for the WAV lease licence of \"{title}\" (open)");
        await Expect(buyerLog.GetByRole(AriaRole.Button, new() { Name = "Withdraw offer" })).ToBeVisibleAsync();
        await Expect(buyerLog.GetByRole(AriaRole.Button, new() { Name = "Accept" })).ToHaveCountAsync(0);

        // The producer counters at 40 in the chat.
        await producerPage.Link("Messages").ClickAsync();
        await producerPage.GetByRole(AriaRole.Button).Filter(new() { HasText = "Would you take 30?" }).ClickAsync();
        var producerLog = producerPage.GetByRole(AriaRole.Log);
        await Expect(producerLog).ToContainTextAsync("(open)");
        await producerLog.GetByLabel("Counter-offer price").FillAsync("40");
        await producerLog.GetByRole(AriaRole.Button, new() { Name = "Counter" }).ClickAsync();
        await Expect(producerLog).ToContainTextAsync("Offer: $40.00 for the WAV lease licence");
        await Expect(producerLog.GetByRole(AriaRole.Button, new() { Name = "Withdraw offer" })).ToHaveCountAsync(1);
        await Expect(producerLog.GetByRole(AriaRole.Button, new() { Name = "Accept" })).ToHaveCountAsync(0);

        // Live on the buyer's page: the counter-offer to answer, and no more withdrawing the countered offer, whose
        // card says so.
        await Expect(buyerLog).ToContainTextAsync("Offer: $40.00 for the WAV lease licence");
        await Expect(buyerLog)
            .ToContainTextAsync($"Offer: $30.00 for the WAV lease licence of \"{title}\" (countered)");
        await Expect(buyerLog.GetByRole(AriaRole.Button, new() { Name = "Withdraw offer" })).ToHaveCountAsync(0);
        await marketplace.Screenshot(buyerPage, "offer");
        await buyerLog.GetByRole(AriaRole.Button, new() { Name = "Accept" }).ClickAsync();
        var buyAtOffer = buyerLog.GetByRole(AriaRole.Link).Filter(new() { HasText = "Buy at $40.00" });
        await Expect(buyAtOffer).ToHaveCountAsync(1);
        await Expect(producerLog).ToContainTextAsync("Accepted: the buyer's next purchase of this licence is at this "
            + "price.");
        await Expect(producerLog)
            .ToContainTextAsync($"Offer: $40.00 for the WAV lease licence of \"{title}\" (accepted)");
        await Expect(producerLog).Not.ToContainTextAsync("(open)");

        // The purchase from the beat page is priced by the accepted offer.
        await buyAtOffer.ClickAsync();
        await Expect(buyerPage.GetByRole(AriaRole.Radio, new() { Name = "WAV lease" })).ToBeCheckedAsync();
        // The agreed price is shown before paying, beside the list price.
        await Expect(buyerPage.GetByText("Your accepted offer: $40.00")).ToBeVisibleAsync();
        await buyerPage.Field("Test card").SelectOptionAsync("pm_card_visa");
        await buyerPage.Button("Buy").ClickAsync();
        await Expect(buyerPage.GetByRole(AriaRole.Alert)).ToContainTextAsync("Bought: WAV lease for $40.00");
    }

    [Fact]
    public async Task An_offer_under_the_smallest_payment_is_refused_on_the_beat_page_in_words()
    {
        var (_, _, beatId, _) = await marketplace.Api.ProducerWithReadyBeat();
        var page = await marketplace.NewPage();
        await page.SignUpInBrowser("cheap");
        await page.GotoAsync($"/beats/{beatId}");
        // The browser's own check stops 0.1; past it (the form's min removed), the API's refusal is shown in words.
        await page.Field("Your price").EvaluateAsync("input => input.removeAttribute('min')");
        await page.Field("Your price").FillAsync("0.1");
        await page.Button("Make offer").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "0.50" })).ToBeVisibleAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/beats/{beatId}$"));
    }
}
