using BeatOrleans.Api.Tests;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BeatOrleans.Web.Tests;

[Collection(BrowserGroup.Name)]
public sealed class BuyerPagesTests(BrowserMarketplace marketplace)
{
    [Fact]
    public async Task Buyer_finds_a_beat_plays_its_preview_buys_the_exclusive_downloads_and_a_second_buyer_sees_it_sold()
    {
        var (_, _, beatId, title) = await marketplace.Api.ProducerWithReadyBeat();
        var page = await marketplace.NewPage();
        await page.SignUpInBrowser("buyer");

        await page.Link("Beats").ClickAsync();
        await page.GetByRole(AriaRole.Searchbox, new() { Name = "Search" }).FillAsync(title);
        await page.Button("Search").ClickAsync();
        var card = page.GetByRole(AriaRole.Link, new() { Name = title });
        await Expect(card).ToHaveCountAsync(1);
        await marketplace.Screenshot(page, "catalogue");
        await card.ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = title, Level = 1 })).ToBeVisibleAsync();
        await page.Button("Play").ClickAsync();
        // The preview plays: the audio element's clock moves (through the signed stream URL, with Range requests).
        await page.WaitForFunctionAsync("() => document.querySelector('audio').currentTime > 0.5", null, new() { Timeout = 20_000 });
        await Expect(page.Button("Pause")).ToBeVisibleAsync();
        await page.Button("Pause").ClickAsync();
        // Seeking with the keyboard on the waveform slider.
        var slider = page.GetByRole(AriaRole.Slider, new() { Name = "Seek" });
        var before = await page.EvaluateAsync<double>("() => document.querySelector('audio').currentTime");
        await slider.FocusAsync();
        await page.Keyboard.PressAsync("ArrowRight");
        await page.WaitForFunctionAsync($"() => document.querySelector('audio').currentTime >= {before.ToString(System.Globalization.CultureInfo.InvariantCulture)} + 4");
        await marketplace.Screenshot(page, "beat");

        await page.GetByRole(AriaRole.Radio, new() { Name = "Exclusive" }).CheckAsync();
        await page.Field("Test card").SelectOptionAsync("pm_card_visa");
        await page.Button("Buy").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Bought: Exclusive for $499.00");
        // The page knows the beat is sold now, without a reload.
        await Expect(page.Locator("#beat-status")).ToHaveTextAsync("Status: sold");
        await Expect(page.Button("Buy")).ToBeDisabledAsync();

        await page.Link("Purchases").ClickAsync();
        var purchase = page.GetByRole(AriaRole.Listitem).Filter(new() { HasText = title });
        await Expect(purchase).ToContainTextAsync("completed");
        await purchase.GetByRole(AriaRole.Button, new() { Name = "Download", Exact = true }).ClickAsync();
        var wavLink = purchase.GetByRole(AriaRole.Link, new() { Name = "WAV" });
        await Expect(wavLink).ToBeVisibleAsync();
        await marketplace.Screenshot(page, "purchases");
        var download = await page.RunAndWaitForDownloadAsync(() => wavLink.ClickAsync());
        var saved = await download.PathAsync();
        var head = new byte[4];
        await using (var file = File.OpenRead(saved))
        {
            Assert.True(file.Length > 100_000, $"the WAV download has {file.Length} bytes");
            await file.ReadExactlyAsync(head);
        }

        Assert.Equal("RIFF", System.Text.Encoding.ASCII.GetString(head));

        var second = await marketplace.NewPage();
        await second.SignUpInBrowser("latecomer");
        await second.GotoAsync($"/beats/{beatId}");
        await Expect(second.GetByText("Sold: the exclusive rights to this beat have been bought.")).ToBeVisibleAsync();
        await Expect(second.Button("Buy")).ToBeDisabledAsync();
        await marketplace.Screenshot(second, "beat-sold");
    }

    [Fact]
    public async Task A_licence_bought_already_is_marked_and_buying_it_again_takes_a_second_press()
    {
        var (_, _, beatId, _) = await marketplace.Api.ProducerWithReadyBeat();
        var page = await marketplace.NewPage();
        await page.SignUpInBrowser("owner");
        await page.GotoAsync($"/beats/{beatId}");
        await page.GetByRole(AriaRole.Radio, new() { Name = "MP3 lease" }).CheckAsync();
        await page.Field("Test card").SelectOptionAsync("pm_card_visa");
        await page.Button("Buy").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Bought: MP3 lease");

        await page.GotoAsync($"/beats/{beatId}");
        await Expect(page.GetByText("You own this licence")).ToHaveCountAsync(1);
        await page.GetByRole(AriaRole.Radio, new() { Name = "MP3 lease" }).CheckAsync();
        await page.Button("Buy").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("You already own the MP3 lease licence");
        // Nothing was bought by the first press; the second buys it again.
        await page.Button("Buy").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Bought: MP3 lease");
        await page.Link("Purchases").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Listitem).Filter(new() { HasText = "MP3 lease" })).ToHaveCountAsync(2);
    }

    [Fact]
    public async Task A_declined_test_card_shows_the_decline_and_charges_nothing()
    {
        var (_, _, beatId, _) = await marketplace.Api.ProducerWithReadyBeat();
        var page = await marketplace.NewPage();
        await page.SignUpInBrowser("declined");
        await page.GotoAsync($"/beats/{beatId}");

        await page.GetByRole(AriaRole.Radio, new() { Name = "MP3 lease" }).CheckAsync();
        await page.Field("Test card").SelectOptionAsync("pm_card_chargeDeclined");
        await page.Button("Buy").ClickAsync();

        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Your card was declined");
        await page.Link("Purchases").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Listitem).Filter(new() { HasText = "MP3 lease" })).ToContainTextAsync("failed");
        await Expect(page.Button("Download")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_card_that_asks_for_authentication_is_explained_and_another_card_pays_that_purchase()
    {
        var (_, _, beatId, _) = await marketplace.Api.ProducerWithReadyBeat();
        var page = await marketplace.NewPage();
        await page.SignUpInBrowser("secure");
        await page.GotoAsync($"/beats/{beatId}");

        await page.GetByRole(AriaRole.Radio, new() { Name = "Exclusive" }).CheckAsync();
        await page.Field("Test card").SelectOptionAsync("pm_card_authenticationRequired");
        await page.Button("Buy").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("asks for authentication");

        // The same purchase, still holding the exclusive for this buyer, is paid with the next card.
        await page.Field("Test card").SelectOptionAsync("pm_card_visa");
        await page.Button("Buy").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Bought: Exclusive for $499.00");
        await page.Link("Purchases").ClickAsync();
        var bought = page.GetByRole(AriaRole.Listitem).Filter(new() { HasText = "Exclusive" });
        await Expect(bought).ToHaveCountAsync(1);
        await Expect(bought).ToContainTextAsync("completed");
    }

    [Fact]
    public async Task A_purchase_left_waiting_for_payment_is_paid_from_the_purchases_page()
    {
        var (_, _, beatId, _) = await marketplace.Api.ProducerWithReadyBeat();
        var page = await marketplace.NewPage();
        var buyer = await page.SignUpInBrowser("later");
        var token = (await marketplace.Api.LogIn(buyer)).Token;
        var placed = await (await marketplace.Api.Buy(token, beatId, "mp3_lease"))
            .Body(System.Net.HttpStatusCode.Created);
        await marketplace.Api.Confirm(token, placed.PurchaseId(), "pm_card_authenticationRequired");

        await page.Link("Purchases").ClickAsync();
        var item = page.GetByRole(AriaRole.Listitem).Filter(new() { HasText = "MP3 lease" });
        await Expect(item).ToContainTextAsync("pending payment");
        await item.GetByLabel("Test card").SelectOptionAsync("pm_card_visa");
        await item.GetByRole(AriaRole.Button, new() { Name = "Pay" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Listitem).Filter(new() { HasText = "MP3 lease" }))
            .ToContainTextAsync("completed");
        await Expect(page.Button("Download")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_visitor_who_is_not_logged_in_is_sent_to_log_in_and_back_to_the_beat()
    {
        var (_, _, beatId, title) = await marketplace.Api.ProducerWithReadyBeat();
        var account = await marketplace.Api.SignUp(ApiClient.UniqueName("visitor"));
        var page = await marketplace.NewPage();
        await page.GotoAsync($"/beats/{beatId}");
        await page.Button("Buy").ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Log in" })).ToBeVisibleAsync();
        await page.Field("Email").FillAsync(account.Email);
        await page.Field("Password").FillAsync("not the password at all");
        await page.Field("Password").PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Alert)).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).Not.ToContainTextAsync("{");
        await page.Field("Password").FillAsync(account.Password);
        await page.Field("Password").PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = title, Level = 1 })).ToBeVisibleAsync();
        await Expect(page.Button("Log out")).ToBeVisibleAsync();
    }
}
