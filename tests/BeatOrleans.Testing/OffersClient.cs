using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace BeatOrleans.Testing;

/// <summary>Offers and coupons the way a client uses them.</summary>
public static class OffersClient
{
    public static Task<HttpResponseMessage> MakeOffer(this HttpClient http, string token, string beatId, string licenseType, decimal amount, string? message = null) =>
        http.Send(HttpMethod.Post, "/api/offers", token, new { beat_id = beatId, license_type = licenseType, amount, currency = "USD", message });

    public static Task<HttpResponseMessage> AnswerOffer(this HttpClient http, string token, string offerId, string step) =>
        http.Send(HttpMethod.Post, $"/api/offers/{offerId}/{step}", token);

    public static Task<HttpResponseMessage> CounterOffer(this HttpClient http, string token, string offerId, decimal amount, string? message = null) =>
        http.Send(HttpMethod.Post, $"/api/offers/{offerId}/counter", token, new { amount, message });

    public static async Task<JsonObject> Offer(this HttpClient http, string token, string offerId) =>
        await (await http.Send(HttpMethod.Get, $"/api/offers/{offerId}", token)).Body(HttpStatusCode.OK);

    /// <summary>POST /api/purchases with the optional offer id or coupon code.</summary>
    public static async Task<HttpResponseMessage> BuyWith(this HttpClient http, string token, string beatId, string licenseType, string? offerId = null, string? coupon = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/purchases")
        {
            Content = JsonContent.Create(new { beat_id = beatId, license_type = licenseType, offer_id = offerId, coupon }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await http.SendAsync(request);
    }

    public static Task<HttpResponseMessage> CreateCoupon(this HttpClient http, string token, object coupon) =>
        http.Send(HttpMethod.Post, "/api/coupons", token, coupon);

    public static string OfferId(this JsonObject offer) => offer["offer_id"]!.GetValue<string>();

    public static string Str(this JsonNode node, string name) => node[name]!.GetValue<string>();

    public static decimal Dec(this JsonNode node, string name) => node[name]!.GetValue<decimal>();
}
