using System.Net;
using BeatOrleans.Api.Tests.Catalog;

namespace BeatOrleans.Api.Tests.Purchasing;

/// <summary>A host whose users may place 3 purchases at once, then one every 20 s.</summary>
public sealed class OrderLimitHost() : MarketplaceHost(new() { ["RateLimits:OrdersPerUserPerMinute"] = "3" });

public sealed class OrderRateLimitTests(OrderLimitHost host) : IClassFixture<OrderLimitHost>
{
    private readonly HttpClient http = host.CreateClient();

    [Fact]
    public async Task A_buyer_placing_orders_in_a_loop_is_refused_429_and_other_buyers_are_not()
    {
        var producer = (await http.LogIn(await http.SignUp())).Token;
        var buyer = (await http.LogIn(await http.SignUp())).Token;
        var other = (await http.LogIn(await http.SignUp())).Token;
        var beat = await http.ReadyBeat(producer);

        for (var i = 0; i < 3; i++)
        {
            await (await http.Buy(buyer, beat.Id(), "mp3_lease")).Body(HttpStatusCode.Created);
        }

        var refused = await http.Buy(buyer, beat.Id(), "mp3_lease");
        await refused.Problem(HttpStatusCode.TooManyRequests);
        Assert.InRange(refused.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(20));
        // A client that prefers HTML gets the same problem, not a 500.
        using (var html = new HttpRequestMessage(HttpMethod.Post, "/api/purchases"))
        {
            html.Headers.Authorization = new("Bearer", buyer);
            html.Headers.Accept.ParseAdd("text/html");
            html.Content = BeatsClient.Json(new { beat_id = beat.Id(), license_type = "mp3_lease" });
            await (await http.SendAsync(html)).Problem(HttpStatusCode.TooManyRequests);
        }

        var placed = await (await http.Send(HttpMethod.Get, "/api/purchases", buyer)).Body(HttpStatusCode.OK);
        Assert.Equal(3, placed["purchases"]!.AsArray().Count);

        // The limit is the buyer's own: someone else buys at once.
        await (await http.Buy(other, beat.Id(), "mp3_lease")).Body(HttpStatusCode.Created);
    }
}
