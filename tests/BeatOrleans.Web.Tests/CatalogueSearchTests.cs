using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BeatOrleans.Web.Tests;

[Collection(BrowserGroup.Name)]
public sealed class CatalogueSearchTests(BrowserMarketplace marketplace)
{
    [Fact]
    public async Task Filters_and_sorts_narrow_and_order_the_catalogue()
    {
        var genre = $"g{Guid.NewGuid():N}"[..12];
        var cheap = await marketplace.Api.ProducerWithReadyBeat(genre: genre, bpm: 90, lowestPrice: 19.99m);
        var dear = await marketplace.Api.ProducerWithReadyBeat(genre: genre, bpm: 150, lowestPrice: 59.99m);
        var page = await marketplace.NewPage();
        await page.GotoAsync("/");

        await page.GetByText("Filters").ClickAsync();
        await page.Field("Genre").FillAsync(genre);
        await page.Field("Sort by").SelectOptionAsync("price_desc");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("sort=price_desc"));
        var cards = page.GetByRole(AriaRole.List, new() { Name = "Beats" }).GetByRole(AriaRole.Heading);
        await Expect(cards).ToHaveTextAsync([dear.Title, cheap.Title]);

        await page.Field("BPM from").FillAsync("120");
        await page.Button("Search").ClickAsync();
        await Expect(cards).ToHaveTextAsync([dear.Title]);

        await page.Field("BPM from").FillAsync("");
        await page.Field("Max price").FillAsync("30");
        await page.Button("Search").ClickAsync();
        await Expect(cards).ToHaveTextAsync([cheap.Title]);
        await Expect(page.GetByRole(AriaRole.List, new() { Name = "Beats" })).ToContainTextAsync("from $19.99");
    }
}
