using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

// Purchases through the real API: create (POST /api/purchases) then confirm with pm_card_visa, by C buyers at once.
// Prints completed purchases per second and create->confirm latency, and a plain grain read (GET a beat) at the
// same concurrency as the ratio's baseline. Usage: PurchaseBench <base-url> <audio.wav> <purchases> <concurrency>
var baseUrl = new Uri(args[0]);
var audio = args[1];
var purchases = int.Parse(args[2], CultureInfo.InvariantCulture);
var concurrency = int.Parse(args[3], CultureInfo.InvariantCulture);
using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency * 2 }) { BaseAddress = baseUrl };

async Task<string> User(string name)
{
    var email = $"{name}@bench.example";
    (await http.PostAsJsonAsync("/api/users/signup", new { username = name, email, password = "correct-horse-battery-staple-7" })).EnsureSuccessStatusCode();
    var login = await (await http.PostAsJsonAsync("/api/users/login", new { email, password = "correct-horse-battery-staple-7" })).Content.ReadFromJsonAsync<JsonObject>();
    return login!["token"]!.GetValue<string>();
}

async Task<HttpResponseMessage> Send(HttpMethod method, string path, string token, object? body = null)
{
    using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
    return await http.SendAsync(request);
}

var run = Guid.NewGuid().ToString("N")[..6];
var producer = await User($"bp_{run}");
using var form = new MultipartFormDataContent { { new StringContent("Bench beat"), "title" }, { new ByteArrayContent(await File.ReadAllBytesAsync(audio)), "file", "beat.wav" } };
using var upload = new HttpRequestMessage(HttpMethod.Post, "/api/beats/upload") { Content = form };
upload.Headers.Authorization = new AuthenticationHeaderValue("Bearer", producer);
var beatId = (await (await http.SendAsync(upload)).Content.ReadFromJsonAsync<JsonObject>())!["beat_id"]!.GetValue<string>();
while ((await http.GetFromJsonAsync<JsonObject>($"/api/beats/{beatId}"))!["status"]!.GetValue<string>() == "processing")
{
    await Task.Delay(200);
}

var buyers = new List<string>();
for (var i = 0; i < concurrency; i++)
{
    buyers.Add(await User($"bb_{run}_{i}"));
}

async Task<(List<double> Flow, List<double> Create, List<double> Confirm, double Seconds)> Purchases(int count)
{
    var flow = new List<double>(); var create = new List<double>(); var confirm = new List<double>();
    var next = -1;
    var clock = Stopwatch.StartNew();
    await Task.WhenAll(buyers.Select(async token =>
    {
        while (Interlocked.Increment(ref next) < count)
        {
            var start = Stopwatch.GetTimestamp();
            var created = await Send(HttpMethod.Post, "/api/purchases", token, new { beat_id = beatId, license_type = "mp3_lease" });
            var placed = await created.Content.ReadFromJsonAsync<JsonObject>();
            var mid = Stopwatch.GetTimestamp();
            var confirmed = await Send(HttpMethod.Post, $"/api/purchases/{placed!["purchase_id"]!.GetValue<string>()}/confirm", token, new { payment_method = "pm_card_visa" });
            var status = (await confirmed.Content.ReadFromJsonAsync<JsonObject>())!["status"]!.GetValue<string>();
            var end = Stopwatch.GetTimestamp();
            if (status != "completed")
            {
                throw new InvalidOperationException($"purchase ended {status}");
            }

            lock (flow)
            {
                flow.Add(Stopwatch.GetElapsedTime(start, end).TotalMilliseconds);
                create.Add(Stopwatch.GetElapsedTime(start, mid).TotalMilliseconds);
                confirm.Add(Stopwatch.GetElapsedTime(mid, end).TotalMilliseconds);
            }
        }
    }));
    return (flow, create, confirm, clock.Elapsed.TotalSeconds);
}

async Task<List<double>> Reads(int count)
{
    var latencies = new List<double>();
    var next = -1;
    await Task.WhenAll(buyers.Select(async token =>
    {
        while (Interlocked.Increment(ref next) < count)
        {
            var start = Stopwatch.GetTimestamp();
            (await Send(HttpMethod.Get, $"/api/beats/{beatId}", token)).EnsureSuccessStatusCode();
            lock (latencies)
            {
                latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        }
    }));
    return latencies;
}

static double P(List<double> values, double q)
{
    var sorted = values.Order().ToList();
    return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];
}

await Purchases(Math.Min(100, purchases)); // warm-up: activations, JIT, SQLite pages
await Reads(500);
var reads = await Reads(purchases * 2);
var (flowMs, createMs, confirmMs, seconds) = await Purchases(purchases);
var sales = await (await Send(HttpMethod.Get, "/api/sales?limit=1", producer)).Content.ReadFromJsonAsync<JsonObject>();

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"purchases: {purchases} mp3_lease, create + confirm (pm_card_visa, simulated gateway), {concurrency} buyers at once"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"completed purchases/s: {purchases / seconds:F1} ({seconds:F1} s)"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"create->confirm ms: p50 {P(flowMs, 0.5):F1}  p95 {P(flowMs, 0.95):F1}  p99 {P(flowMs, 0.99):F1}"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  create alone ms: p50 {P(createMs, 0.5):F1}  p99 {P(createMs, 0.99):F1};  confirm alone ms: p50 {P(confirmMs, 0.5):F1}  p99 {P(confirmMs, 0.99):F1}"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"baseline GET /api/beats/{{id}} ms (same concurrency): p50 {P(reads, 0.5):F1}  p99 {P(reads, 0.99):F1}"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ratio create->confirm / beat read: p50 {P(flowMs, 0.5) / P(reads, 0.5):F1}x  p99 {P(flowMs, 0.99) / P(reads, 0.99):F1}x"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"producer's sales total: {sales!["totals"]![0]!["count"]} (expected {purchases + Math.Min(100, purchases)})"));
