using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace BeatOrleans.Catalog;

/// <summary>The catalogue's meter and activity source: uploads, and the media pipeline's FFmpeg jobs as spans.</summary>
internal static class CatalogTelemetry
{
    public const string Name = "BeatOrleans.Catalog";

    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    private static readonly Counter<long> Uploads = Meter.CreateCounter<long>("beatorleans.catalog.uploads", "{beat}", "Beats uploaded (each then processed)");

    private static readonly Histogram<double> Processing = Meter.CreateHistogram(
        "beatorleans.catalog.processing.duration", "s", "One processing attempt of a master, by outcome: ready, unusable (the file cannot be a beat), error (retried)",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600] });

    private static readonly Counter<long> Failures = Meter.CreateCounter<long>("beatorleans.catalog.processing.failures", "{beat}", "Beats whose processing ended failed");

    public static void Uploaded() => Uploads.Add(1);

    public static void Processed(TimeSpan elapsed, string outcome) =>
        Processing.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("outcome", outcome));

    public static void Failed() => Failures.Add(1);
}
