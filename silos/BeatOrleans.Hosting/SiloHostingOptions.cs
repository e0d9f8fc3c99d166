namespace BeatOrleans.Hosting;

/// <summary>Where a silo's state lives and how it finds the cluster; bound from configuration.</summary>
public sealed class SiloHostingOptions
{
    /// <summary>"all" or a comma-separated list of domains whose grains this silo hosts.</summary>
    public string Domains { get; set; } = "all";

    public int SiloPort { get; set; } = 11111;

    public int GatewayPort { get; set; } = 30000;

    /// <summary>With localhost clustering, the silo port of the first silo that the others join.</summary>
    public int PrimarySiloPort { get; set; } = 11111;

    public string ClusterId { get; set; } = "beatorleans";

    public string ServiceId { get; set; } = "beatorleans";

    /// <summary>The SQLite file of the embedded profile.</summary>
    public string SqliteConnectionString { get; set; } = "Data Source=data/beatorleans.db";
}
