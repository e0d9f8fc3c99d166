using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace BeatOrleans.Testing;

/// <summary>Buying the way a buyer's client does.</summary>
public static class PurchasesClient
{
    public static async Task<HttpResponseMessage> Buy(this HttpClient http, string token, string beatId, string licenseType, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/purchases") { Content = JsonContent.Create(new { beat_id = beatId, license_type = licenseType }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return await http.SendAsync(request);
    }

    public static Task<HttpResponseMessage> Confirm(this HttpClient http, string token, string purchaseId, string paymentMethod = "pm_card_visa") =>
        http.Send(HttpMethod.Post, $"/api/purchases/{purchaseId}/confirm", token, new { payment_method = paymentMethod });

    /// <summary>Creates and pays a purchase with the test card that succeeds; answers the completed purchase.</summary>
    public static async Task<JsonObject> BuyAndPay(this HttpClient http, string token, string beatId, string licenseType)
    {
        var purchase = await (await http.Buy(token, beatId, licenseType)).Body(HttpStatusCode.Created);
        return await (await http.Confirm(token, purchase.PurchaseId())).Body(HttpStatusCode.OK);
    }

    public static async Task<JsonObject> Purchase(this HttpClient http, string token, string purchaseId) =>
        await (await http.Send(HttpMethod.Get, $"/api/purchases/{purchaseId}", token)).Body(HttpStatusCode.OK);

    /// <summary>Polls the purchase until its status is <paramref name="status"/> (settling can be asynchronous), with a deadline.</summary>
    public static Task<JsonObject> WaitForStatus(this HttpClient http, string token, string purchaseId, string status, TimeSpan? within = null) =>
        Eventually.Holds(() => http.Purchase(token, purchaseId), purchase => purchase.Status() == status, within ?? TimeSpan.FromSeconds(30),
            purchase => $"purchase {purchaseId} is {purchase.Status()}, not {status}, after the deadline");

    /// <summary>A producer's ready beat, uploaded with <paramref name="fields"/> (and stems when given).</summary>
    public static async Task<JsonObject> ReadyBeat(this HttpClient http, string token, Dictionary<string, string>? fields = null, byte[]? stems = null)
    {
        var tone = await File.ReadAllBytesAsync(await Audio.Tone(330, 3, "wav"));
        var beat = await (await http.Upload(token, tone, "beat.wav", fields ?? new() { ["title"] = "For sale" }, stems)).Body(HttpStatusCode.Accepted);
        var ready = await http.WaitUntilProcessed(beat.Id());
        Assert.Equal("ready", ready["status"]!.GetValue<string>());
        return ready;
    }

    public static string PurchaseId(this JsonObject purchase) => purchase["purchase_id"]!.GetValue<string>();

    public static string Status(this JsonObject purchase) => purchase["status"]!.GetValue<string>();
}
