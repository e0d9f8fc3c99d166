using System.Diagnostics.Metrics;

namespace BeatOrleans.Api.Telemetry;

/// <summary>
/// What the edge measures: chat messages sent (REST and hub alike), how late live pushes reach this node's connections,
/// and what answered the catalogue searches.
/// </summary>
internal static class ApiMetrics
{
    private static readonly Meter Meter = new("BeatOrleans.Api");

    private static readonly Counter<long> ChatMessages = Meter.CreateCounter<long>("beatorleans.chat.messages", "{message}", "Chat messages sent");

    private static readonly Histogram<double> PushLatency = Meter.CreateHistogram(
        "beatorleans.push.latency", "s", "From a message or notification's creation to its hand-over to this node's live connections, by kind",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });

    private static readonly Counter<long> Searches = Meter.CreateCounter<long>(
        "beatorleans.catalog.searches",
        "{search}",
        "Catalogue searches by what answered them: the node's cache or the catalogue");

    public static void MessageSent() => ChatMessages.Add(1);

    /// <param name="answered"><c>cache</c> (a kept page, or a read another caller started) or <c>catalogue</c>.</param>
    public static void Searched(string answered) =>
        Searches.Add(1, new KeyValuePair<string, object?>("answered", answered));

    public static void Pushed(string kind, DateTimeOffset createdAt, DateTimeOffset now) =>
        PushLatency.Record(Math.Max(0, (now - createdAt).TotalSeconds), new KeyValuePair<string, object?>("kind", kind));
}
