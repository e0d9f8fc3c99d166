using System.Collections.Concurrent;
using BeatOrleans.Api.Purchasing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace BeatOrleans.Api.Tests.Purchasing;

/// <summary>A webhook endpoint for the fake to call: reads each delivery with <see cref="StripeWebhook.Read"/>, 200 or 400.</summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication app;

    private WebhookReceiver(WebApplication app) => this.app = app;

    public ConcurrentQueue<StripeWebhookResult> Received { get; } = new();

    public Uri Endpoint { get; private set; } = null!;

    public static async Task<WebhookReceiver> Start(string webhookSecret, TimeProvider clock)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var receiver = new WebhookReceiver(builder.Build());
        receiver.app.MapPost("/api/payments/stripe/webhook", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            var result = StripeWebhook.Read(await reader.ReadToEndAsync(), request.Headers[StripeWebhook.SignatureHeader].FirstOrDefault(), webhookSecret, clock);
            receiver.Received.Enqueue(result);
            return result.IsValid ? Results.Ok() : Results.BadRequest();
        });
        await receiver.app.StartAsync();
        receiver.Endpoint = new Uri(new Uri(receiver.app.Urls.First()), "/api/payments/stripe/webhook");
        return receiver;
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}
