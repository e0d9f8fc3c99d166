using BeatOrleans.Contracts.Purchasing;

namespace BeatOrleans.Grains.Tests;

public sealed class MoneyTests
{
    [Fact]
    public void Amounts_in_notifications_and_agreements_show_cents_except_in_zero_decimal_currencies()
    {
        Assert.Equal("19.99 USD", Money.Format(19.99m, "USD"));
        Assert.Equal("0.50 EUR", Money.Format(Money.MinimumCharge, "EUR"));
        Assert.Equal("1234.50 GBP", Money.FormatMinor(123_450, "GBP"));
        // Zero-decimal currencies are whole units, as Stripe counts them: a 1500 yen lease is not "1500.00 JPY".
        Assert.Equal("1500 JPY", Money.FormatMinor(1_500, "JPY"));
    }
}
