using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BeatOrleans.Testing;

/// <summary>
/// A local stand-in for Stripe's API on 127.0.0.1 (Kestrel, port 0): the PaymentIntents, Refunds and Charges endpoints
/// purchasing uses, with Stripe's authentication, form encoding, error shapes, idempotency and signed webhooks.
/// Point Stripe.net at <see cref="ApiBase"/> with <see cref="SecretKey"/>.
/// </summary>
public sealed class FakeStripe : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly FakeStripeIdempotency idempotency;
    private readonly CancellationTokenSource stopping = new();

    private FakeStripe(WebApplication app, string secretKey, string webhookSecret, TimeProvider clock, TimeSpan processingDelay)
    {
        this.app = app;
        SecretKey = secretKey;
        WebhookSecret = webhookSecret;
        ProcessingDelay = processingDelay;
        idempotency = new FakeStripeIdempotency(clock);
        Ledger = new FakeStripeLedger(clock);
        Webhooks = new FakeStripeWebhooks(webhookSecret, clock);
        app.Run(Serve);
    }

    public string SecretKey { get; }

    public string WebhookSecret { get; }

    /// <summary>http://127.0.0.1:PORT, what <c>Payments:Stripe:ApiBase</c> takes.</summary>
    public Uri ApiBase { get; private set; } = null!;

    public FakeStripeLedger Ledger { get; }

    public FakeStripeWebhooks Webhooks { get; }

    public FakeStripeFaults Faults { get; } = new();

    /// <summary>How long each POST takes to execute once accepted: long enough makes a concurrent same-key request collide (409).</summary>
    public TimeSpan ProcessingDelay { get; set; }

    /// <summary>Requests that reached the fake, faults included.</summary>
    public int RequestCount => requestCount;

    private int requestCount;

    public static async Task<FakeStripe> Start(TimeProvider? clock = null, TimeSpan processingDelay = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var fake = new FakeStripe(
            builder.Build(),
            "sk_test_fake_" + FakeStripeJson.NewId("k")[2..],
            "whsec_" + FakeStripeJson.NewId("w")[2..],
            clock ?? TimeProvider.System,
            processingDelay);
        await fake.app.StartAsync();
        var address = fake.app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake.ApiBase = new Uri(address);
        return fake;
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        using (var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await app.StopAsync(grace.Token);
        }
        await app.DisposeAsync();
        await Webhooks.DisposeAsync();
        stopping.Dispose();
    }

    private async Task Serve(HttpContext context)
    {
        Interlocked.Increment(ref requestCount);
        var requestId = FakeStripeJson.NewId("req");
        context.Response.Headers["Request-Id"] = requestId;
        var fault = Faults.Take();
        if (fault?.Kind == FakeStripeFaults.Kind.Fail)
        {
            await Write(context, fault.Status == 429
                ? StripeAnswer.Error(429, "invalid_request_error", "Request rate limit exceeded. Learn more about rate limits here.", "rate_limit", saved: false)
                : StripeAnswer.Error(fault.Status, "api_error", "An unknown error occurred", saved: false));
            return;
        }
        if (fault?.Kind == FakeStripeFaults.Kind.Hang)
        {
            await Hang(context);
            return;
        }
        if (Authenticate(context.Request) is { } refused)
        {
            await Write(context, refused);
            return;
        }
        var form = await StripeForm.Read(context.Request);
        var endpoint = $"{context.Request.Method} {context.Request.Path}";
        var key = context.Request.Headers["Idempotency-Key"].FirstOrDefault();
        StripeAnswer answer;
        if (HttpMethods.IsPost(context.Request.Method) && !string.IsNullOrEmpty(key))
        {
            var (result, replayed, original) = await idempotency.Run(key, endpoint, form.Fingerprint, requestId, () => Execute(context.Request, form, requestId, key));
            answer = result;
            if (replayed)
            {
                context.Response.Headers["Idempotent-Replayed"] = "true";
                context.Response.Headers["Original-Request"] = original;
            }
        }
        else
        {
            answer = await Execute(context.Request, form, requestId, null);
        }
        if (fault?.Kind == FakeStripeFaults.Kind.LoseResponse)
        {
            await Hang(context);
            return;
        }
        await Write(context, answer);
    }

    private async Task<StripeAnswer> Execute(HttpRequest request, StripeForm form, string requestId, string? idempotencyKey)
    {
        var post = HttpMethods.IsPost(request.Method);
        if (post && ProcessingDelay > TimeSpan.Zero)
        {
            await Task.Delay(ProcessingDelay, stopping.Token);
        }
        var raised = new List<RaisedEvent>();
        var path = request.Path.Value!.TrimEnd('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        var answer = (post, path) switch
        {
            (true, ["v1", "payment_intents"]) => Ledger.CreateIntent(form, raised),
            (false, ["v1", "payment_intents", var id]) when HttpMethods.IsGet(request.Method) => Ledger.RetrieveIntent(id, form),
            (true, ["v1", "payment_intents", var id, "confirm"]) => Ledger.ConfirmIntent(id, form, raised),
            (true, ["v1", "payment_intents", var id, "cancel"]) => Ledger.CancelIntent(id, form, raised),
            (true, ["v1", "refunds"]) => Ledger.CreateRefund(form, raised),
            (false, ["v1", "refunds", var id]) when HttpMethods.IsGet(request.Method) => Ledger.RetrieveRefund(id),
            (false, ["v1", "charges", var id]) when HttpMethods.IsGet(request.Method) => Ledger.RetrieveCharge(id),
            _ => StripeAnswer.Error(404, "invalid_request_error", $"Unrecognized request URL ({request.Method}: {request.Path}).", saved: false),
        };
        foreach (var stripeEvent in raised)
        {
            Webhooks.Raise(stripeEvent, requestId, idempotencyKey);
        }
        return answer;
    }

    private StripeAnswer? Authenticate(HttpRequest request)
    {
        // Stripe takes the key as a bearer token (Stripe.net) or as the basic-auth user name (curl -u sk_...:).
        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var auth) || auth.Parameter is null)
        {
            return StripeAnswer.Error(401, "invalid_request_error", "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').", saved: false);
        }
        var key = auth.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase)
            ? Encoding.UTF8.GetString(Convert.FromBase64String(auth.Parameter)).Split(':')[0]
            : auth.Parameter;
        if (key == SecretKey)
        {
            return null;
        }
        var shown = key.Length > 4 ? key[..Math.Min(8, key.Length - 4)] + "****" + key[^4..] : "****";
        return StripeAnswer.Error(401, "invalid_request_error", $"Invalid API Key provided: {shown}", saved: false);
    }

    private async Task Hang(HttpContext context)
    {
        using var both = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping.Token);
        try
        {
            await Task.Delay(Timeout.Infinite, both.Token);
        }
        catch (OperationCanceledException)
        {
            context.Abort();
        }
    }

    private static async Task Write(HttpContext context, StripeAnswer answer)
    {
        context.Response.StatusCode = answer.Status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(answer.Body);
    }
}
