using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace BeatOrleans.Integration.Tests.Observability;

/// <summary>
/// What an operator of the cluster sees: one trace per request across API node and silos (exported over OTLP to a
/// receiver here), and Prometheus scraping every process, with the dashboard's and the alerts' queries answering.
/// </summary>
[Collection(LocalClusterGroup.Name)]
public sealed partial class ClusterTelemetryTests(LocalCluster cluster)
{
    [Fact]
    public async Task A_purchase_over_http_is_one_trace_through_the_api_the_silos_storage_and_stripe()
    {
        using var node = new HttpClient { BaseAddress = await cluster.Api(1) };
        var producer = (await node.LogIn(await node.SignUp())).Token;
        var buyer = (await node.LogIn(await node.SignUp())).Token;
        var beat = await node.ReadyBeat(producer);

        var placed = await node.Buy(buyer, beat.Id(), "wav_lease");
        var purchase = await placed.Body(HttpStatusCode.Created);
        var traceId = Assert.Single(placed.Headers.GetValues("X-Trace-Id"));
        Assert.Matches("^[0-9a-f]{32}$", traceId);

        // Each process exports its spans in its own batches, so a span can arrive before its parent: wait until
        // every span links up to the request (or the time runs out, and the assertions below say what is missing).
        var trace = await cluster.Traces.Trace(traceId, spans =>
            spans.Any(IsPurchaseRequest) && spans.Any(s => IsGrainCall(s, "purchasing")) && spans.Any(s => IsGrainCall(s, "catalog"))
            && spans.Any(IsPostgres) && spans.Any(IsStripeCall) && NotDescending(spans) is null,
            TimeSpan.FromSeconds(45));

        var request = trace.SingleOrDefault(IsPurchaseRequest);
        Assert.True(request is not null, Describe("no server span of POST /api/purchases on the API node", trace));
        Assert.True(trace.Any(s => IsGrainCall(s, "purchasing")), Describe("no grain call on the purchasing silo", trace));
        Assert.True(trace.Any(s => IsGrainCall(s, "catalog")), Describe("no grain call on the catalog silo (the beat's reservation)", trace));
        Assert.True(trace.Any(IsPostgres), Describe("no PostgreSQL span (the purchase's state)", trace));
        Assert.True(trace.Any(IsStripeCall), Describe("no HTTP span to Stripe (the payment intent)", trace));
        // One trace: every span descends from the API node's server span.
        var orphan = NotDescending(trace);
        Assert.True(orphan is null,
            $"{orphan?.Service} {orphan?.Scope} '{orphan?.Name}' does not descend from the request's span");

        Assert.Equal(purchase.PurchaseId(), (await node.Purchase(buyer, purchase.PurchaseId())).PurchaseId());
    }

    /// <summary>The first span whose parents do not lead to the purchase request's server span, or null.</summary>
    private static ReceivedSpan? NotDescending(IReadOnlyList<ReceivedSpan> spans)
    {
        var request = spans.SingleOrDefault(IsPurchaseRequest);
        var byId = spans.GroupBy(s => s.SpanId).ToDictionary(g => g.Key, g => g.First());
        foreach (var span in spans.Where(s => s != request))
        {
            var ancestor = span;
            while (ancestor != request && byId.TryGetValue(ancestor.ParentSpanId, out var parent))
            {
                ancestor = parent;
            }

            if (ancestor != request)
            {
                return span;
            }
        }

        return null;
    }

    [Fact]
    public async Task Prometheus_scrapes_every_process_and_finds_request_orleans_and_marketplace_metrics()
    {
        var processes = await cluster.Status();
        var targets = new List<(string Job, Uri Url, string? Domain)>();
        foreach (var process in processes)
        {
            var url = await cluster.Metrics(process.Name);
            targets.Add(process.Name.StartsWith("api-", StringComparison.Ordinal)
                ? ("beatorleans-api", url, null)
                : ("beatorleans-silo", url, SiloDomain().Match(process.Name).Groups[1].Value));
        }

        using var node = new HttpClient { BaseAddress = await cluster.Api(1) };
        // The public API port of a cluster node does not serve the metrics; its metrics port serves nothing else.
        Assert.Equal(HttpStatusCode.NotFound, (await node.GetAsync("/metrics")).StatusCode);
        using (var metricsPort = new HttpClient())
        {
            Assert.Equal(HttpStatusCode.NotFound, (await metricsPort.GetAsync(new Uri(targets.First(t => t.Job == "beatorleans-api").Url, "/health/ready"))).StatusCode);
        }

        var account = await node.SignUp();
        await node.LogIn(account);

        await using var prometheus = await PrometheusServer.Start(targets);
        var up = await prometheus.QueryUntil("sum(up)", r => r.Count == 1 && r[0].Value == targets.Count, TimeSpan.FromSeconds(60));
        Assert.Equal(targets.Count, Assert.Single(up).Value);

        foreach (var (what, query) in new[]
        {
            ("HTTP requests of the API nodes", "sum(http_server_request_duration_seconds_count{job=\"beatorleans-api\"})"),
            ("Orleans' silo ring of every silo", "min(orleans_consistent_ring_size{job=\"beatorleans-silo\"})"),
            ("grain activations on the users silo", "sum(orleans_grains{domain=\"users\"})"),
            ("signups", "sum(beatorleans_users_signups_total)"),
            ("successful logins", "sum(beatorleans_users_logins_total{outcome=\"succeeded\"})"),
        })
        {
            var result = await prometheus.QueryUntil(query, r => r.Count == 1 && r[0].Value > 0, TimeSpan.FromSeconds(30));
            Assert.True(result.Count == 1 && result[0].Value > 0, $"{what}: '{query}' answered {string.Join(", ", result.Select(r => r.Value))}");
        }

        // Every query of the Grafana dashboard and every alert rule is one Prometheus accepts and answers.
        foreach (var query in ObservabilityFiles.DashboardQueries().Concat(ObservabilityFiles.AlertExpressions()))
        {
            await prometheus.Query(query);
        }

        // No domain is down: the alert's expression finds nothing.
        Assert.Empty(await prometheus.Query(ObservabilityFiles.Alert("BeatOrleansDomainDown")));
    }

    private static bool IsPurchaseRequest(ReceivedSpan span) =>
        span.Service == "beatorleans-api" && span.Kind == ReceivedSpan.ServerKind && span.Attributes.GetValueOrDefault("http.request.method") == "POST"
        && span.Attributes.GetValueOrDefault("http.route", "").TrimEnd('/') == "/api/purchases";

    private static bool IsGrainCall(ReceivedSpan span, string domain) =>
        span.Service == $"beatorleans-silo-{domain}" && span.Scope == "Microsoft.Orleans.Application" && span.Kind == ReceivedSpan.ServerKind;

    private static bool IsPostgres(ReceivedSpan span) =>
        span.Service.StartsWith("beatorleans-silo", StringComparison.Ordinal) && span.Scope == "Npgsql";

    private static bool IsStripeCall(ReceivedSpan span) =>
        span.Service == "beatorleans-silo-purchasing" && span.Kind == ReceivedSpan.ClientKind
        && span.Attributes.GetValueOrDefault("url.full", "").Contains("/v1/payment_intents", StringComparison.Ordinal);

    private static string Describe(string problem, IReadOnlyList<ReceivedSpan> trace) =>
        $"{problem}; the trace holds: {string.Join("; ", trace.Select(s => $"{s.Service} {s.Scope} kind {s.Kind} '{s.Name}' [{string.Join(", ", s.Attributes.Select(a => $"{a.Key}={a.Value}"))}]"))}";

    [GeneratedRegex("^silo-([a-z]+)")]
    private static partial Regex SiloDomain();
}
