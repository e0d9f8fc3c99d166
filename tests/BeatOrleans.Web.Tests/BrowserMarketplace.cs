using BeatOrleans.Api.Tests;
using Microsoft.Playwright;

namespace BeatOrleans.Web.Tests;

/// <summary>
/// The real API host (embedded profile, Kestrel on a random loopback port) and one headless Chromium: Debian's
/// <c>chromium</c>, which scripts/test.sh installs; Playwright downloads no browser of its own. Each test opens its own
/// browser contexts (separate storage: separate users).
/// </summary>
public sealed class BrowserMarketplace : IAsyncLifetime
{
    private static readonly string[] ChromiumFlags =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--autoplay-policy=no-user-gesture-required",
        "--mute-audio",
    ];

    private IPlaywright? playwright;
    private IBrowser? browser;

    public MarketplaceHost Host { get; } = new BrowserHost();

    public HttpClient Api { get; private set; } = null!;

    /// <summary>Where screenshots go: BEATORLEANS_TEST_ARTIFACTS (scripts/test.sh: the run folder), else beside the tests.</summary>
    public string Artifacts { get; } = Environment.GetEnvironmentVariable("BEATORLEANS_TEST_ARTIFACTS") is { Length: > 0 } folder
        ? folder
        : Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        await Host.InitializeAsync();
        Api = Host.CreateClient();
        Directory.CreateDirectory(Artifacts);
        var executable = Environment.GetEnvironmentVariable("BEATORLEANS_TEST_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";
        Assert.True(File.Exists(executable), $"{executable} is missing: run the tests through ./scripts/test.sh, which installs Debian's chromium.");
        playwright = await Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = executable,
            Headless = true,
            Args = ChromiumFlags,
        });
    }

    /// <summary>A fresh browser profile (cookies, localStorage) on the marketplace's address.</summary>
    public async Task<IPage> NewPage(int width = 1280, int height = 860, MarketplaceHost? on = null)
    {
        var context = await browser!.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = (on ?? Host).BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            AcceptDownloads = true,
            Locale = "en-US",
        });
        context.SetDefaultTimeout(20_000);
        return await context.NewPageAsync();
    }

    public async Task Screenshot(IPage page, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Artifacts, $"{name}.png"), FullPage = false });

    public async Task DisposeAsync()
    {
        if (browser is not null)
        {
            await browser.CloseAsync();
        }

        playwright?.Dispose();
        Api?.Dispose();
        await Host.DisposeAsync();
    }
}

/// <summary>
/// Access tokens live 70 s here, so the page refreshes them (a minute ahead) every 10 s while every test runs: the
/// rotation is exercised under uploads, purchases, chat and live connections, not only by the test that checks it.
/// </summary>
public sealed class BrowserHost() : MarketplaceHost(new() { ["Auth:Jwt:AccessTokenLifetime"] = BrowserHost.AccessTokenLifetime })
{
    public const string AccessTokenLifetime = "00:01:10";
}

[CollectionDefinition(Name)]
public sealed class BrowserGroup : ICollectionFixture<BrowserMarketplace>
{
    /// <summary>One host and one browser for every browser test, run one after another (two cores).</summary>
    public const string Name = "browser";
}
