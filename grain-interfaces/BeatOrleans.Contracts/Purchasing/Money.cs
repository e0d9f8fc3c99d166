using System.Globalization;

namespace BeatOrleans.Contracts.Purchasing;

/// <summary>Prices cross the API in major units (29.99) and are kept and charged in minor units (2999), as Stripe counts them.</summary>
public static class Money
{
    // Stripe's zero-decimal currencies: their amounts are already whole units.
    private static readonly HashSet<string> ZeroDecimal = new(StringComparer.OrdinalIgnoreCase)
    {
        "BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF",
    };

    /// <summary>
    /// The smallest payment the marketplace takes, in major units (the least list price a producer may set): Stripe
    /// refuses charges under 0.50 in the common currencies, so a lower offer or a coupon that leaves less could only
    /// fail at the payment.
    /// </summary>
    public const decimal MinimumCharge = 0.50m;

    public static long ToMinor(decimal amount, string currency) =>
        (long)decimal.Round(ZeroDecimal.Contains(currency) ? amount : amount * 100m, MidpointRounding.AwayFromZero);

    public static decimal ToMajor(long amountMinor, string currency) =>
        ZeroDecimal.Contains(currency) ? amountMinor : amountMinor / 100m;

    /// <summary>
    /// An amount as people read it in notifications, refusals and licence agreements: "19.99 USD", and whole units
    /// for zero-decimal currencies ("1500 JPY"), with a decimal point as in the API's numbers.
    /// </summary>
    public static string Format(decimal amount, string currency) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{amount.ToString(ZeroDecimal.Contains(currency) ? "0" : "0.00", CultureInfo.InvariantCulture)} {currency}");

    public static string FormatMinor(long amountMinor, string currency) => Format(ToMajor(amountMinor, currency), currency);
}
