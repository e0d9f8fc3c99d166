namespace BeatOrleans.Hosting.Telemetry;

/// <summary>The <c>service.name</c> of each kind of process, so a trace or a metric says which role and domain it came from.</summary>
public static class ServiceNames
{
    /// <summary>The embedded profile: the API and a silo of every domain in one process.</summary>
    public const string Embedded = "beatorleans";

    /// <summary>An API node of the local or cluster profile (a client of the silos).</summary>
    public const string Api = "beatorleans-api";

    /// <summary>A stand-alone silo: <c>beatorleans-silo</c> with every domain, else <c>beatorleans-silo-users</c> and so on.</summary>
    public static string Silo(string? domains)
    {
        var hosted = Domains.Parse(domains);
        return hosted.Count == Domains.All.Count ? "beatorleans-silo" : $"beatorleans-silo-{string.Join('-', hosted.Select(d => d.Name))}";
    }
}
