namespace BeatOrleans.Testing;

public sealed partial class FakeStripeLedger
{
    internal StripeAnswer CreateRefund(StripeForm form, List<RaisedEvent> raised)
    {
        if (form.Unknown("payment_intent", "charge", "amount", "reason", "metadata", "expand") is { } unknown)
        {
            return StripeAnswer.UnknownParameter(unknown);
        }
        if (BadExpand(form) is { } badExpand)
        {
            return badExpand;
        }
        long? requested = null;
        if (form.Get("amount") is { } amountText)
        {
            if (!TryAmount(amountText, out var amount) || amount < 1)
            {
                return StripeAnswer.Invalid($"Invalid positive integer: {amountText}", "parameter_invalid_integer", "amount", saved: false);
            }
            requested = amount;
        }
        lock (gate)
        {
            FakeCharge? charge;
            if (form.Get("payment_intent") is { } intentId)
            {
                if (!intents.TryGetValue(intentId, out var intent))
                {
                    return StripeAnswer.Missing("payment_intent", intentId, "payment_intent");
                }
                if (intent.Status != "succeeded" || intent.LatestCharge is null)
                {
                    return StripeAnswer.Invalid($"This PaymentIntent ({intentId}) does not have a successful charge to refund.", param: "payment_intent");
                }
                charge = charges[intent.LatestCharge];
            }
            else if (form.Get("charge") is { } chargeId)
            {
                if (!charges.TryGetValue(chargeId, out charge))
                {
                    return StripeAnswer.Missing("charge", chargeId, "charge");
                }
            }
            else
            {
                return StripeAnswer.Invalid("One of the following params should be provided for this request: payment_intent or charge.", "parameter_missing", saved: false);
            }
            var left = charge.Intent.Amount - charge.AmountRefunded;
            if (charge.Succeeded && left == 0)
            {
                return StripeAnswer.Invalid($"Charge {charge.Id} has already been refunded.", "charge_already_refunded");
            }
            if (!charge.Succeeded)
            {
                return StripeAnswer.Invalid($"Charge {charge.Id} has not succeeded and cannot be refunded.", param: "charge");
            }
            var refundAmount = requested ?? left;
            if (refundAmount > left)
            {
                return StripeAnswer.Invalid($"Refund amount ({refundAmount}) is greater than unrefunded amount on charge ({left}).", "amount_too_large", "amount");
            }
            charge.AmountRefunded += refundAmount;
            var refund = new FakeRefund(FakeStripeJson.NewId("re"), charge, refundAmount, Now, form.Hash("metadata"));
            refunds.Add(refund);
            raised.Add(new RaisedEvent("refund.created", FakeStripeJson.Refund(refund)));
            raised.Add(new RaisedEvent("charge.refunded", FakeStripeJson.Charge(charge)));
            return StripeAnswer.Ok(FakeStripeJson.Refund(refund));
        }
    }

    internal StripeAnswer RetrieveCharge(string id)
    {
        lock (gate)
        {
            return charges.TryGetValue(id, out var charge) ? StripeAnswer.Ok(FakeStripeJson.Charge(charge)) : StripeAnswer.Missing("charge", id, "id");
        }
    }

    internal StripeAnswer RetrieveRefund(string id)
    {
        lock (gate)
        {
            return refunds.Find(r => r.Id == id) is { } refund ? StripeAnswer.Ok(FakeStripeJson.Refund(refund)) : StripeAnswer.Missing("refund", id, "id");
        }
    }
}
