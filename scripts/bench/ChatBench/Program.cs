using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BeatOrleans.Chat;
using BeatOrleans.Contracts;
using BeatOrleans.Contracts.Chat;
using BeatOrleans.Messaging;
using BeatOrleans.Notifications;
using BeatOrleans.Outbox;
using BeatOrleans.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;

// Usage:
//   ChatBench latency <sender-node-url> <receiver-node-url> <seconds-per-step> <rate>...   send->receive over REST + SignalR
//   ChatBench connections <node-url> <node-pid> <count>                                    idle SignalR connections per node
//   ChatBench append <messages>                                                            append cost vs conversation length
return args[0] switch
{
    "latency" => await Latency(new Uri(args[1]), new Uri(args[2]), int.Parse(args[3]), args[4..].Select(int.Parse).ToArray()),
    "connections" => await Connections(new Uri(args[1]), int.Parse(args[2]), int.Parse(args[3])),
    "append" when int.Parse(args[1]) < 3000 => throw new ArgumentException("append needs at least 3,000 messages: 1,000 to warm up and two windows of 1,000"),
    "append" => await Append(int.Parse(args[1])),
    _ => 2,
};

static async Task<List<(string Name, string Token, string Id)>> Users(HttpClient http, int count)
{
    var users = new List<(string, string, string)>();
    for (var i = 0; i < count; i++)
    {
        var name = $"bench_{Guid.NewGuid():N}"[..20];
        var email = $"{name}@example.com";
        (await http.PostAsJsonAsync("/api/users/signup", new { username = name, email, password = "correct-horse-battery-staple-7" })).EnsureSuccessStatusCode();
        var login = await (await http.PostAsJsonAsync("/api/users/login", new { email, password = "correct-horse-battery-staple-7" })).Content.ReadFromJsonAsync<JsonObject>();
        users.Add((name, login!["token"]!.GetValue<string>(), login["user_id"]!.GetValue<string>()));
    }

    return users;
}

static async Task<int> Latency(Uri senderNode, Uri receiverNode, int seconds, int[] rates)
{
    using var http = new HttpClient { BaseAddress = senderNode };
    // PAIRS: how many sender/receiver pairs share the rate (default 20); fewer pairs, busier conversations.
    var pairs = int.TryParse(Environment.GetEnvironmentVariable("PAIRS"), out var p) && p > 0 ? p : 20;
    var senders = await Users(http, pairs);
    var receivers = await Users(new HttpClient { BaseAddress = receiverNode }, pairs);
    var clock = Stopwatch.StartNew();
    var sentAt = new System.Collections.Concurrent.ConcurrentDictionary<string, double>();
    var latencies = new System.Collections.Concurrent.ConcurrentBag<double>();
    var hubs = new List<Microsoft.AspNetCore.SignalR.Client.HubConnection>();
    foreach (var receiver in receivers)
    {
        var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(receiverNode, "/hubs/marketplace"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(receiver.Token)).Build();
        hub.On<JsonObject>("ReceiveMessage", m =>
        {
            if (sentAt.TryRemove(m["content"]!.GetValue<string>(), out var start))
            {
                latencies.Add(clock.Elapsed.TotalMilliseconds - start);
            }
        });
        await hub.StartAsync();
        hubs.Add(hub);
    }

    Console.WriteLine($"{pairs} senders on {senderNode}, {pairs} receivers on the hub of {receiverNode}");

    // Warm-up: activate every grain of the path and JIT both nodes before anything is measured.
    foreach (var (sender, receiver) in senders.Zip(receivers))
    {
        using var warm = new HttpRequestMessage(HttpMethod.Post, "/api/chat/send") { Content = JsonContent.Create(new { receiver = receiver.Name, message = "warm-up" }) };
        warm.Headers.Authorization = new("Bearer", sender.Token);
        (await http.SendAsync(warm)).EnsureSuccessStatusCode();
    }

    await Task.Delay(2000);
    var best = 0;
    // A steady state, not a cold start: 10 s at the first rate, unmeasured, lets both nodes and the silos compile the
    // path's hot methods at full optimisation (tiered JIT) before any figure is taken.
    var steps = rates.Select(rate => (rate, seconds, measured: true)).Prepend((rates[0], 10, measured: false));
    foreach (var (rate, stepSeconds, measured) in steps)
    {
        latencies.Clear();
        var cpu = CpuSample.Take();
        var processCpu = ProcessCpu.Take();
        var stepStart = clock.Elapsed.TotalSeconds;
        var failures = 0;
        var total = rate * stepSeconds;
        var interval = 1000.0 / rate;
        var start = clock.Elapsed.TotalMilliseconds;
        var inFlight = new List<Task>();
        for (var i = 0; i < total; i++)
        {
            var due = start + i * interval;
            var wait = due - clock.Elapsed.TotalMilliseconds;
            if (wait > 1)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(wait));
            }

            var (sender, receiver) = (senders[i % senders.Count], receivers[i % receivers.Count]);
            var content = $"{rate}-{i}-{Guid.NewGuid():N}";
            sentAt[content] = clock.Elapsed.TotalMilliseconds;
            inFlight.Add(Task.Run(async () =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/chat/send") { Content = JsonContent.Create(new { receiver = receiver.Name, message = content }) };
                request.Headers.Authorization = new("Bearer", sender.Token);
                using var response = await http.SendAsync(request);
                if (!response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref failures);
                    sentAt.TryRemove(content, out _);
                }
            }));
        }

        await Task.WhenAll(inFlight);
        var deadline = clock.Elapsed.TotalSeconds + 5;
        while (!sentAt.IsEmpty && clock.Elapsed.TotalSeconds < deadline)
        {
            await Task.Delay(50);
        }

        var busy = CpuSample.Take().BusySince(cpu);
        var sorted = latencies.Order().ToArray();
        double P(double q) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];
        var lost = sentAt.Count;
        sentAt.Clear();
        if (!measured)
        {
            Console.WriteLine($"warm-up: {rate}/s for {stepSeconds}s, not measured");
            continue;
        }

        Console.WriteLine($"rate {rate}/s for {stepSeconds}s (machine {busy:0}% busy): delivered {sorted.Length}/{total}, failed sends {failures}, undelivered after 5 s {lost}, " +
            $"p50 {P(0.50):0.0} ms, p99 {P(0.99):0.0} ms, max {P(1.0):0.0} ms");
        if (processCpu.Count > 0 && sorted.Length > 0)
        {
            // CPU per delivered message of each process on the path (CHAT_PROCS) and of this load generator: the figure
            // that carries over to a machine with more cores than this one.
            var delivered = sorted.Length;
            var wall = clock.Elapsed.TotalSeconds - stepStart;
            var costs = ProcessCpu.Take().Since(processCpu)
                .Select(c => (c.Name, Us: c.Seconds * 1e6 / delivered, Cores: c.Seconds / wall)).ToList();
            Console.WriteLine("  cpu per message: " +
                string.Join(", ", costs.Select(c => $"{c.Name} {c.Us:0} us ({c.Cores:0.00} cores)")) +
                $"; processes of the path together {costs.Where(c => c.Name != "chatbench").Sum(c => c.Us):0} us");
        }

        if (P(0.99) < 250 && failures == 0 && lost == 0)
        {
            best = Math.Max(best, rate);
        }
    }

    Console.WriteLine($"highest tried rate with p99 < 250 ms and nothing lost: {best}/s");
    foreach (var hub in hubs)
    {
        await hub.DisposeAsync();
    }

    return 0;
}

static long RssKb(int pid) =>
    long.Parse(File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);

static async Task<int> Connections(Uri node, int pid, int count)
{
    using var http = new HttpClient { BaseAddress = node };
    var users = await Users(http, 50);
    await Task.Delay(2000);
    GC.Collect();
    var before = RssKb(pid);
    var hubs = new List<Microsoft.AspNetCore.SignalR.Client.HubConnection>();
    var clock = Stopwatch.StartNew();
    for (var i = 0; i < count; i++)
    {
        var (hub, _) = await LiveClients.ConnectHub(node, users[i % users.Count].Token);
        hubs.Add(hub);
    }

    var opened = clock.Elapsed.TotalSeconds;
    await Task.Delay(5000);
    var after = RssKb(pid);
    var connected = hubs.Count(h => h.State == Microsoft.AspNetCore.SignalR.Client.HubConnectionState.Connected);
    Console.WriteLine($"{connected}/{count} SignalR connections open on one API node (opened in {opened:0.0} s); " +
        $"node RSS {before / 1024.0:0.0} MB -> {after / 1024.0:0.0} MB idle: {(after - before) * 1024.0 / count / 1024.0:0.0} KB per connection");
    foreach (var hub in hubs)
    {
        await hub.DisposeAsync();
    }

    return connected == count ? 0 : 1;
}

static async Task<int> Append(int messages)
{
    // One co-hosted silo with the chat and notifications domains, so the outbox is acknowledged as in production.
    var builder = Host.CreateApplicationBuilder();
    builder.Logging.SetMinimumLevel(LogLevel.Warning);
    builder.UseOrleans(silo =>
    {
        silo.UseLocalhostClustering(siloPort: 19111, gatewayPort: 19130);
        silo.AddMemoryGrainStorage(StorageNames.Realtime).AddMemoryGrainStorage(StorageNames.Documents).AddMemoryGrainStorage(StorageNames.PubSub);
        silo.AddMemoryStreams(StorageNames.Events);
        silo.Services.AddChatDomain(builder.Configuration).AddNotificationsDomain(builder.Configuration);
        silo.Services.AddEventOutbox(builder.Configuration).AddRabbitMqBridge(builder.Configuration);
    });
    using var host = builder.Build();
    await host.StartAsync();
    var grains = host.Services.GetRequiredService<IGrainFactory>();
    var (a, b) = ("bench-a", "bench-b");
    var chat = grains.GetGrain<IConversationGrain>(ChatIds.For(a, b));
    const int window = 1000;
    var clock = Stopwatch.StartNew();
    double firstWindow = 0;
    // The first 1,000 messages warm up (JIT, activations); the figures are messages 1,001-2,000 against the last 1,000.
    for (var i = 0; i < messages; i++)
    {
        if (i == window)
        {
            clock.Restart();
        }

        if (i == 2 * window)
        {
            firstWindow = clock.Elapsed.TotalMilliseconds / window;
        }

        if (i == messages - window)
        {
            clock.Restart();
        }

        await chat.Send(new Outgoing(a, "a", b, $"message {i}"));
    }

    var lastWindow = clock.Elapsed.TotalMilliseconds / window;
    Console.WriteLine($"append to one conversation (memory grain storage, state serialised on every write): " +
        $"messages {window + 1}-{2 * window}: {firstWindow * 1000:0} us each; messages {messages - window + 1}-{messages}: {lastWindow * 1000:0} us each; " +
        $"ratio last/first {lastWindow / firstWindow:0.00}");
    await host.StopAsync();
    return 0;
}

/// <summary>The machine's CPU time from /proc/stat: how busy all cores were between two samples, this client included.</summary>
// CPU time (user + system) of the processes named in CHAT_PROCS ("name=pid name=pid ...") and of this process.
internal sealed record ProcessCpu(IReadOnlyList<(string Name, double Seconds)> Samples)
{
    private static readonly double TicksPerSecond = 100; // USER_HZ: what Linux reports /proc/<pid>/stat in

    public int Count => Samples.Count;

    public static ProcessCpu Take()
    {
        var named = (Environment.GetEnvironmentVariable("CHAT_PROCS") ?? "")
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('='))
            .Where(p => p.Length == 2 && int.TryParse(p[1], out _))
            .Select(p => (Name: p[0], Seconds: Seconds(int.Parse(p[1]))))
            .ToList();
        if (named.Count > 0)
        {
            named.Add(("chatbench", Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds));
        }

        return new ProcessCpu(named);
    }

    public IEnumerable<(string Name, double Seconds)> Since(ProcessCpu start) =>
        Samples.Zip(start.Samples, (now, then) => (now.Name, now.Seconds - then.Seconds));

    private static double Seconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11]) + long.Parse(fields[12])) / TicksPerSecond;
        }
        catch (IOException)
        {
            return double.NaN;
        }
    }
}

internal readonly record struct CpuSample(long Idle, long Total)
{
    public static CpuSample Take()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();
        return new CpuSample(fields[3] + fields[4], fields.Sum());
    }

    public double BusySince(CpuSample start) => Total == start.Total ? 0 : 100.0 * (1 - (double)(Idle - start.Idle) / (Total - start.Total));
}
