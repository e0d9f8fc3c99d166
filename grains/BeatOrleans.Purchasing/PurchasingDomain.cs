using BeatOrleans.Contracts;
using BeatOrleans.Purchasing.Payments;
using BeatOrleans.Purchasing.Payments.Simulated;
using BeatOrleans.Purchasing.Payments.Stripe;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace BeatOrleans.Purchasing;

/// <summary>The purchasing domain as a silo loads it: purchases, ledgers and the payment gateway.</summary>
public static class PurchasingDomain
{
    public const string Name = "purchasing";

    public static IServiceCollection AddPurchasingDomain(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddKeyedSingleton(Clocks.Market, TimeProvider.System);
        services.AddOptions<PurchasingOptions>()
            .Bind(configuration.GetSection(PurchasingOptions.Section))
            .Validate(o => o.PaymentWindow > TimeSpan.Zero && o.ReconcilePeriod > TimeSpan.Zero && o.RetryPeriod > TimeSpan.Zero
                    && o.OfferExpiry > TimeSpan.Zero && o.OfferPurchaseWindow > TimeSpan.Zero
                    && o.MaxUnpaidHoldsPerBuyer >= 1,
                $"{PurchasingOptions.Section}: PaymentWindow, ReconcilePeriod, RetryPeriod, OfferExpiry and "
                + "OfferPurchaseWindow must be positive, MaxUnpaidHoldsPerBuyer at least 1.")
            .ValidateOnStart();
        services.AddOptions<ReminderOptions>().PostConfigure<IOptions<PurchasingOptions>>((reminders, purchasing) =>
            reminders.MinimumReminderPeriod = TimeSpan.FromTicks(Math.Min(reminders.MinimumReminderPeriod.Ticks, purchasing.Value.ReconcilePeriod.Ticks)));

        var payments = configuration.GetSection(PaymentsOptions.Section).Get<PaymentsOptions>() ?? new PaymentsOptions();
        switch (payments.Provider)
        {
            case PaymentsOptions.Simulated:
                services.AddSingleton<IPaymentGateway, SimulatedPaymentGateway>();
                break;
            case PaymentsOptions.Stripe:
                services.AddOptions<StripeOptions>().Bind(configuration.GetSection(StripeOptions.Section)).ValidateOnStart();
                services.AddSingleton<IValidateOptions<StripeOptions>, StripeOptionsValidator>();
                services.AddSingleton<IPaymentGateway, StripePaymentGateway>();
                break;
            default:
                throw new InvalidOperationException($"Payments:Provider is '{payments.Provider}'; known: {PaymentsOptions.Simulated}, {PaymentsOptions.Stripe}.");
        }

        return services;
    }
}
