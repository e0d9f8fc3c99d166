using System.Text.Json.Nodes;

namespace BeatOrleans.Testing;

/// <summary>
/// One HTTP answer of the fake. <see cref="Saved"/>: whether Stripe keeps it for idempotent replay; it does not for
/// requests that failed parameter validation or collided with a concurrent request.
/// </summary>
internal sealed record StripeAnswer(int Status, string Body, bool Saved = true)
{
    public static StripeAnswer Ok(JsonObject body) => new(200, body.ToJsonString());

    public static StripeAnswer Error(
        int status,
        string type,
        string message,
        string? code = null,
        string? param = null,
        string? declineCode = null,
        JsonObject? paymentIntent = null,
        string? charge = null,
        bool saved = true)
    {
        var error = new JsonObject { ["type"] = type, ["message"] = message };
        if (code is not null)
        {
            error["code"] = code;
        }
        if (declineCode is not null)
        {
            error["decline_code"] = declineCode;
        }
        if (param is not null)
        {
            error["param"] = param;
        }
        if (charge is not null)
        {
            error["charge"] = charge;
        }
        if (paymentIntent is not null)
        {
            error["payment_intent"] = paymentIntent;
        }
        return new StripeAnswer(status, new JsonObject { ["error"] = error }.ToJsonString(), saved);
    }

    public static StripeAnswer Invalid(string message, string? code = null, string? param = null, bool saved = true) =>
        Error(400, "invalid_request_error", message, code, param, saved: saved);

    public static StripeAnswer Missing(string kind, string id, string param) =>
        Error(404, "invalid_request_error", $"No such {kind}: '{id}'", "resource_missing", param);

    public static StripeAnswer UnknownParameter(string name) =>
        Invalid($"Received unknown parameter: {name}", "parameter_unknown", name, saved: false);
}
