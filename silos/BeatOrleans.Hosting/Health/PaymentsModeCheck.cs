using BeatOrleans.Hosting.Startup;
using BeatOrleans.Purchasing.Payments;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BeatOrleans.Hosting.Health;

/// <summary>
/// A purchasing silo of a cluster takes payments as its settings say, never by default: the simulated gateway
/// completes every purchase without charging anyone, which a test deployment wants and a shop must not run by
/// accident. The provider must be named; a simulated one is logged as a warning at start and reported as Degraded by
/// readiness, so it shows wherever operators look.
/// </summary>
internal static partial class PaymentsModeCheck
{
    public const string Simulating =
        "Payments are simulated (Payments:Provider=simulated): purchases complete without charging anyone.";

    public static void AddPaymentsModeCheck(this IServiceCollection services, IConfiguration configuration)
    {
        var provider = configuration[$"{PaymentsOptions.Section}:{nameof(PaymentsOptions.Provider)}"];
        if (string.IsNullOrWhiteSpace(provider))
        {
            throw new StartupSettingException(
                "Payments:Provider is required for a purchasing silo in the cluster profile: stripe (with "
                + "Payments:Stripe:SecretKey and Payments:Stripe:WebhookSecret) to take real payments, or simulated for "
                + "a test deployment in which purchases complete without charging anyone.");
        }

        if (provider.Trim().Equals(PaymentsOptions.Simulated, StringComparison.OrdinalIgnoreCase))
        {
            services.AddHealthChecks().AddCheck("payments", () => HealthCheckResult.Degraded(Simulating),
                tags: [HealthChecksExtensions.ReadyTag]);
            services.AddHostedService<SimulatedPaymentsWarning>();
        }
    }

    private sealed partial class SimulatedPaymentsWarning(ILogger<SimulatedPaymentsWarning> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            LogSimulating(logger);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        [LoggerMessage(Level = LogLevel.Warning, Message = Simulating)]
        private static partial void LogSimulating(ILogger logger);
    }
}
