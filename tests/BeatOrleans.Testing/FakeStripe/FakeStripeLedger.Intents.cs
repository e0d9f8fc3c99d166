using System.Text.Json.Nodes;

namespace BeatOrleans.Testing;

public sealed partial class FakeStripeLedger
{
    internal StripeAnswer CreateIntent(StripeForm form, List<RaisedEvent> raised)
    {
        if (form.Unknown("amount", "currency", "description", "metadata", "automatic_payment_methods", "payment_method", "payment_method_types", "expand") is { } unknown)
        {
            return StripeAnswer.UnknownParameter(unknown);
        }
        if (form.Get("amount") is not { } amountText)
        {
            return StripeAnswer.Invalid("Missing required param: amount.", "parameter_missing", "amount", saved: false);
        }
        if (!TryAmount(amountText, out var amount))
        {
            return StripeAnswer.Invalid($"Invalid integer: {amountText}", "parameter_invalid_integer", "amount", saved: false);
        }
        if (form.Get("currency") is not { Length: > 0 } currencyText)
        {
            return StripeAnswer.Invalid("Missing required param: currency.", "parameter_missing", "currency", saved: false);
        }
        var currency = currencyText.ToLowerInvariant();
        if (currency.Length != 3 || !currency.All(char.IsAsciiLetterLower))
        {
            return StripeAnswer.Invalid($"Invalid currency: {currencyText}.", "parameter_invalid_string", "currency", saved: false);
        }
        if (amount < Minimum(currency))
        {
            return StripeAnswer.Invalid($"Amount must be at least {Minimum(currency)} {currency} minor units.", "amount_too_small", "amount");
        }
        if (amount > 99_999_999)
        {
            return StripeAnswer.Invalid("Amount must be no more than 999,999.99.", "amount_too_large", "amount");
        }
        var metadata = form.Hash("metadata");
        if (metadata.Count > 50 || metadata.Any(p => p.Key.Length > 40 || p.Value.Length > 500))
        {
            return StripeAnswer.Invalid("Metadata may hold 50 keys of up to 40 characters with values of up to 500 characters.", "parameter_invalid_string", "metadata", saved: false);
        }
        var automatic = form.Hash("automatic_payment_methods");
        if (BadExpand(form, "latest_charge") is { } badExpand)
        {
            return badExpand;
        }
        lock (gate)
        {
            string? paymentMethod = null;
            if (form.Get("payment_method") is { } method && !TryPaymentMethod(method, out paymentMethod))
            {
                return StripeAnswer.Missing("PaymentMethod", method, "payment_method");
            }
            var id = FakeStripeJson.NewId("pi");
            var intent = new FakeIntent
            {
                Id = id,
                Amount = amount,
                Currency = currency,
                ClientSecret = id + "_secret_" + FakeStripeJson.NewId("s")[2..],
                Created = Now,
                Description = form.Get("description"),
                Metadata = metadata,
                // Since API version 2023-08-16 automatic payment methods are on unless payment_method_types is given.
                AutomaticPaymentMethods = form.List("payment_method_types").Count == 0 && automatic.GetValueOrDefault("enabled") != "false",
                AllowRedirects = automatic.GetValueOrDefault("allow_redirects"),
                PaymentMethod = paymentMethod,
                Status = paymentMethod is null ? "requires_payment_method" : "requires_confirmation",
            };
            intents.Add(id, intent);
            raised.Add(new RaisedEvent("payment_intent.created", FakeStripeJson.Intent(intent)));
            return StripeAnswer.Ok(Json(intent, form));
        }
    }

    internal StripeAnswer RetrieveIntent(string id, StripeForm form)
    {
        if (BadExpand(form, "latest_charge") is { } badExpand)
        {
            return badExpand;
        }
        lock (gate)
        {
            return intents.TryGetValue(id, out var intent) ? StripeAnswer.Ok(Json(intent, form)) : NotFound(id);
        }
    }

    internal StripeAnswer ConfirmIntent(string id, StripeForm form, List<RaisedEvent> raised)
    {
        if (form.Unknown("payment_method", "expand", "return_url", "off_session", "error_on_requires_action", "use_stripe_sdk") is { } unknown)
        {
            return StripeAnswer.UnknownParameter(unknown);
        }
        if (BadExpand(form, "latest_charge") is { } badExpand)
        {
            return badExpand;
        }
        lock (gate)
        {
            if (!intents.TryGetValue(id, out var intent))
            {
                return NotFound(id);
            }
            if (!Confirmable.Contains(intent.Status))
            {
                var why = intent.Status == "succeeded"
                    ? "You cannot confirm this PaymentIntent because it has already succeeded after being previously confirmed."
                    : $"You cannot confirm this PaymentIntent because it has a status of {intent.Status}.";
                return StripeAnswer.Error(400, "invalid_request_error", why, "payment_intent_unexpected_state", paymentIntent: Json(intent, form));
            }
            var method = form.Get("payment_method") ?? intent.PaymentMethod;
            if (method is null)
            {
                return StripeAnswer.Invalid("You cannot confirm this PaymentIntent because it's missing a payment method. Update it with a payment_method, or confirm with one.", "payment_intent_unexpected_state");
            }
            if (!TryPaymentMethod(method, out var attached))
            {
                return StripeAnswer.Missing("PaymentMethod", method, "payment_method");
            }
            if (intent.AutomaticPaymentMethods && intent.AllowRedirects != "never" && form.Get("return_url") is null)
            {
                // What Stripe answers a server-side confirmation that could need a redirect it has nowhere to send.
                return StripeAnswer.Invalid("This PaymentIntent is configured to accept payment methods enabled in your Dashboard, some of which may redirect: provide a return_url, or create it with automatic_payment_methods[allow_redirects]=never.");
            }
            return Charge(intent, attached, form, raised);
        }
    }

    internal StripeAnswer CancelIntent(string id, StripeForm form, List<RaisedEvent> raised)
    {
        if (form.Unknown("cancellation_reason", "expand") is { } unknown)
        {
            return StripeAnswer.UnknownParameter(unknown);
        }
        if (BadExpand(form, "latest_charge") is { } badExpand)
        {
            return badExpand;
        }
        lock (gate)
        {
            if (!intents.TryGetValue(id, out var intent))
            {
                return NotFound(id);
            }
            if (!Cancelable.Contains(intent.Status))
            {
                return StripeAnswer.Error(
                    400,
                    "invalid_request_error",
                    $"You cannot cancel this PaymentIntent because it has a status of {intent.Status}. Only a PaymentIntent with one of the following statuses may be canceled: {string.Join(", ", Cancelable)}.",
                    "payment_intent_unexpected_state",
                    paymentIntent: Json(intent, form));
            }
            intent.Status = "canceled";
            intent.CanceledAt = Now;
            intent.CancellationReason = form.Get("cancellation_reason");
            raised.Add(new RaisedEvent("payment_intent.canceled", FakeStripeJson.Intent(intent)));
            return StripeAnswer.Ok(Json(intent, form));
        }
    }

    private StripeAnswer Charge(FakeIntent intent, string paymentMethod, StripeForm form, List<RaisedEvent> raised)
    {
        var outcome = FakeStripeCards.Outcome(paymentMethods[paymentMethod])!;
        var charge = new FakeCharge
        {
            Id = FakeStripeJson.NewId("ch"),
            Intent = intent,
            Created = Now,
            PaymentMethod = paymentMethod,
            Succeeded = outcome.Pays,
            FailureCode = outcome.Code,
            FailureMessage = outcome.Message,
            DeclineCode = outcome.DeclineCode ?? outcome.Code,
        };
        charges.Add(charge.Id, charge);
        intent.LatestCharge = charge.Id;
        if (outcome.Pays)
        {
            intent.Status = "succeeded";
            intent.PaymentMethod = paymentMethod;
            intent.AmountReceived = intent.Amount;
            intent.LastPaymentError = null;
            raised.Add(new RaisedEvent("charge.succeeded", FakeStripeJson.Charge(charge)));
            raised.Add(new RaisedEvent("payment_intent.succeeded", FakeStripeJson.Intent(intent)));
            return StripeAnswer.Ok(Json(intent, form));
        }
        // A decline detaches the payment method and sends the intent back for another one (docs: PaymentIntent lifecycle).
        intent.Status = "requires_payment_method";
        intent.PaymentMethod = null;
        intent.LastPaymentError = new JsonObject
        {
            ["charge"] = charge.Id,
            ["code"] = outcome.Code,
            ["decline_code"] = outcome.DeclineCode,
            ["message"] = outcome.Message,
            ["payment_method"] = new JsonObject { ["id"] = paymentMethod, ["object"] = "payment_method", ["type"] = "card" },
            ["type"] = "card_error",
        };
        raised.Add(new RaisedEvent("charge.failed", FakeStripeJson.Charge(charge)));
        raised.Add(new RaisedEvent("payment_intent.payment_failed", FakeStripeJson.Intent(intent)));
        return StripeAnswer.Error(402, "card_error", outcome.Message!, outcome.Code, declineCode: outcome.DeclineCode, paymentIntent: Json(intent, form), charge: charge.Id);
    }

    private bool TryPaymentMethod(string method, out string attached)
    {
        if (paymentMethods.ContainsKey(method))
        {
            attached = method;
            return true;
        }
        if (FakeStripeCards.Outcome(method) is null)
        {
            attached = "";
            return false;
        }
        attached = FakeStripeJson.NewId("pm");
        paymentMethods.Add(attached, method);
        return true;
    }
}
