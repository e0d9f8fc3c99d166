using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace BeatOrleans.Testing;

/// <summary>An event as Stripe sends it: <see cref="Body"/> is the exact JSON every delivery of it carries.</summary>
public sealed record FakeStripeEvent(string Id, string Type, string ObjectId, string Body);

/// <summary>How a delivery is signed: correctly, or one of the ways a forged or replayed one looks.</summary>
public enum WebhookSignature
{
    Valid,
    /// <summary>Signed, then the body changed (livemode flipped).</summary>
    Tampered,
    /// <summary>Correctly signed with a timestamp 10 minutes old.</summary>
    Stale,
    /// <summary>Signed with another endpoint's secret.</summary>
    WrongSecret,
    /// <summary>No Stripe-Signature header.</summary>
    Missing,
}

/// <summary>The bytes and header of one delivery.</summary>
public sealed record WebhookRequest(string Body, string? SignatureHeader);

/// <summary>One delivery attempt and what the endpoint answered (<see cref="Status"/> null: no answer).</summary>
public sealed record WebhookDelivery(string EventId, string Type, WebhookSignature Signature, int? Status, string? Failure);

/// <summary>
/// Signed webhook deliveries (docs: "Check the webhook signatures"): header <c>Stripe-Signature: t=...,v1=...</c>, v1 the
/// hex HMAC-SHA256 of "t.body" keyed with the whole whsec_ secret, a new timestamp on every attempt. Events go out at once
/// in order (non-2xx retried a few times, like Stripe's retries but fast), or are held for a test to deliver duplicated
/// and shuffled. Only the endpoint's enabled event types are sent.
/// </summary>
public sealed class FakeStripeWebhooks : IAsyncDisposable
{
    private static readonly TimeSpan[] RetryDelays = [TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1)];

    private readonly string secret;
    private readonly TimeProvider clock;
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly Channel<FakeStripeEvent> queue = Channel.CreateUnbounded<FakeStripeEvent>();
    private readonly Lock gate = new();
    private readonly List<FakeStripeEvent> events = [];
    private readonly List<FakeStripeEvent> held = [];
    private readonly List<WebhookDelivery> deliveries = [];
    private readonly Task sender;
    private int pending;

    internal FakeStripeWebhooks(string secret, TimeProvider clock)
    {
        this.secret = secret;
        this.clock = clock;
        sender = Task.Run(Send);
    }

    /// <summary>Where events go, e.g. http://127.0.0.1:PORT/api/payments/stripe/webhook; null: none are sent (still recorded).</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>Keep new events in <see cref="Held"/> instead of sending them.</summary>
    public bool Hold { get; set; }

    /// <summary>The endpoint's enabled_events; "*" for all. Default: the five purchasing acts on.</summary>
    public HashSet<string> EnabledEvents { get; } = new(StringComparer.Ordinal)
    {
        "payment_intent.created", "payment_intent.succeeded", "payment_intent.payment_failed", "payment_intent.canceled", "charge.refunded",
    };

    /// <summary>Every event raised for the endpoint's enabled types, in order.</summary>
    public IReadOnlyList<FakeStripeEvent> Events { get { lock (gate) { return [.. events]; } } }

    public IReadOnlyList<FakeStripeEvent> Held { get { lock (gate) { return [.. held]; } } }

    public IReadOnlyList<WebhookDelivery> Deliveries { get { lock (gate) { return [.. deliveries]; } } }

    /// <summary>The events raised for one object (a PaymentIntent or a charge id).</summary>
    public IReadOnlyList<FakeStripeEvent> For(string objectId) => Events.Where(e => e.ObjectId == objectId).ToList();

    /// <summary>Sends the held events <paramref name="copies"/> times each, shuffled when a seed is given, one after another; they leave <see cref="Held"/>.</summary>
    public async Task<IReadOnlyList<WebhookDelivery>> DeliverHeld(int copies = 1, int? shuffleSeed = null)
    {
        List<FakeStripeEvent> batch;
        lock (gate)
        {
            batch = [.. held.SelectMany(e => Enumerable.Repeat(e, copies))];
            held.Clear();
        }
        if (shuffleSeed is { } seed)
        {
            var shuffled = batch.ToArray();
            new Random(seed).Shuffle(shuffled);
            batch = [.. shuffled];
        }
        var results = new List<WebhookDelivery>();
        foreach (var e in batch)
        {
            results.Add(await Deliver(e));
        }
        return results;
    }

    /// <summary>One delivery attempt of an event to <see cref="Endpoint"/>.</summary>
    public async Task<WebhookDelivery> Deliver(FakeStripeEvent stripeEvent, WebhookSignature signature = WebhookSignature.Valid)
    {
        ArgumentNullException.ThrowIfNull(stripeEvent);
        var endpoint = Endpoint ?? throw new InvalidOperationException("Set FakeStripe.Webhooks.Endpoint before delivering.");
        var request = Prepare(stripeEvent, signature);
        using var message = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Content = new StringContent(request.Body, Encoding.UTF8, "application/json"),
        };
        if (request.SignatureHeader is not null)
        {
            message.Headers.TryAddWithoutValidation("Stripe-Signature", request.SignatureHeader);
        }
        WebhookDelivery delivery;
        try
        {
            using var response = await http.SendAsync(message);
            delivery = new WebhookDelivery(stripeEvent.Id, stripeEvent.Type, signature, (int)response.StatusCode, null);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            delivery = new WebhookDelivery(stripeEvent.Id, stripeEvent.Type, signature, null, e.Message);
        }
        lock (gate)
        {
            deliveries.Add(delivery);
        }
        return delivery;
    }

    /// <summary>The body and Stripe-Signature header a delivery carries, signed now (by the fake's clock).</summary>
    public WebhookRequest Prepare(FakeStripeEvent stripeEvent, WebhookSignature signature = WebhookSignature.Valid)
    {
        ArgumentNullException.ThrowIfNull(stripeEvent);
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        var timestamp = signature == WebhookSignature.Stale ? now - 600 : now;
        var key = signature == WebhookSignature.WrongSecret ? "whsec_another_endpoint" : secret;
        var header = $"t={timestamp},v1={Sign(key, timestamp, stripeEvent.Body)}";
        return signature switch
        {
            WebhookSignature.Missing => new WebhookRequest(stripeEvent.Body, null),
            WebhookSignature.Tampered => new WebhookRequest(stripeEvent.Body.Replace("\"livemode\":false", "\"livemode\":true", StringComparison.Ordinal), header),
            _ => new WebhookRequest(stripeEvent.Body, header),
        };
    }

    /// <summary>Polls until every event sent at once has had its last attempt.</summary>
    public Task WaitUntilSent(TimeSpan timeout) =>
        Eventually.Holds(() => Task.FromResult(Volatile.Read(ref pending)), left => left <= 0, timeout,
            left => $"{left} webhook events still unsent after {timeout}.", TimeSpan.FromMilliseconds(20));

    internal void Raise(RaisedEvent raised, string requestId, string? idempotencyKey)
    {
        if (!EnabledEvents.Contains("*") && !EnabledEvents.Contains(raised.Type))
        {
            return;
        }
        var id = FakeStripeJson.NewId("evt");
        var body = new JsonObject
        {
            ["id"] = id,
            ["object"] = "event",
            ["api_version"] = global::Stripe.StripeConfiguration.ApiVersion,
            ["created"] = clock.GetUtcNow().ToUnixTimeSeconds(),
            ["data"] = new JsonObject { ["object"] = raised.Object },
            ["livemode"] = false,
            ["pending_webhooks"] = 1,
            ["request"] = new JsonObject { ["id"] = requestId, ["idempotency_key"] = idempotencyKey },
            ["type"] = raised.Type,
        };
        var stripeEvent = new FakeStripeEvent(id, raised.Type, raised.Object["id"]!.GetValue<string>(), body.ToJsonString());
        lock (gate)
        {
            events.Add(stripeEvent);
            if (Hold)
            {
                held.Add(stripeEvent);
                return;
            }
        }
        if (Endpoint is not null)
        {
            Interlocked.Increment(ref pending);
            queue.Writer.TryWrite(stripeEvent);
        }
    }

    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await sender;
        http.Dispose();
    }

    private static string Sign(string key, long timestamp, string body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes($"{timestamp}.{body}")));

    private async Task Send()
    {
        await foreach (var stripeEvent in queue.Reader.ReadAllAsync())
        {
            for (var attempt = 0; Endpoint is not null; attempt++)
            {
                var delivery = await Deliver(stripeEvent);
                if (delivery.Status is >= 200 and < 300 || attempt == RetryDelays.Length)
                {
                    break;
                }
                await Task.Delay(RetryDelays[attempt]);
            }
            Interlocked.Decrement(ref pending);
        }
    }
}
