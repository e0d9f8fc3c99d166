using System.Security.Cryptography;
using System.Text;

namespace BeatOrleans.Purchasing.Payments.Simulated;

/// <summary>
/// The embedded default: payments are grains that behave like Stripe's test mode (pm_card_visa succeeds,
/// pm_card_chargeDeclined is declined). A payment's id derives from its creation key, so creating again with the same
/// key finds the same payment, as Stripe's idempotency does.
/// </summary>
public sealed class SimulatedPaymentGateway(IGrainFactory grains) : IPaymentGateway
{
    public string Provider => PaymentsOptions.Simulated;

    public async Task<GatewayPayment> Create(NewPayment payment, CancellationToken cancellationToken)
    {
        var id = "pi_sim_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(payment.IdempotencyKey)))[..24];
        var fingerprint = $"{payment.AmountMinor}|{payment.Currency}|{string.Join(',', payment.Metadata.OrderBy(m => m.Key, StringComparer.Ordinal))}";
        return Unwrap(await Payment(id).Create(payment.AmountMinor, payment.Currency.ToLowerInvariant(), fingerprint));
    }

    public async Task<GatewayPayment> Confirm(string paymentId, string paymentMethod, string idempotencyKey, CancellationToken cancellationToken) =>
        Unwrap(await Payment(paymentId).Confirm(paymentMethod, idempotencyKey));

    public async Task<GatewayPayment> Retrieve(string paymentId, CancellationToken cancellationToken) => Unwrap(await Payment(paymentId).Retrieve());

    public async Task<GatewayPayment> Cancel(string paymentId, string idempotencyKey, CancellationToken cancellationToken) => Unwrap(await Payment(paymentId).Cancel());

    public async Task<GatewayRefund> Refund(string paymentId, string idempotencyKey, CancellationToken cancellationToken)
    {
        var refunded = Unwrap(await Payment(paymentId).Refund(idempotencyKey));
        return new GatewayRefund("re_sim_" + paymentId["pi_sim_".Length..], paymentId, refunded.AmountRefunded, "succeeded");
    }

    private ISimulatedPaymentGrain Payment(string id) => grains.GetGrain<ISimulatedPaymentGrain>(id);

    private static GatewayPayment Unwrap(SimulatedAnswer answer) =>
        answer.Payment ?? throw new PaymentGatewayException(answer.Error ?? "The simulated provider refused the request.", transient: false);
}
