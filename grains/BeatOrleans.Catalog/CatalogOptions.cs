namespace BeatOrleans.Catalog;

/// <summary>Section <c>Catalog</c>: how beats are processed and kept in sync with the catalogue.</summary>
public sealed class CatalogOptions
{
    public const string Section = "Catalog";

    /// <summary>
    /// How long a buyer whose exclusive purchase ended unpaid (declined, or its payment window closed) waits before
    /// holding that exclusive again; other buyers may hold it at once.
    /// </summary>
    public TimeSpan UnpaidHoldCooldown { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often a beat with unfinished work (processing, listing, notification) checks on it.</summary>
    public TimeSpan SyncPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>While a beat is active, how often it publishes unacknowledged work again (processing, listing, notification).</summary>
    public TimeSpan RetryPeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Processing attempts before a beat ends failed (a crash mid-processing costs one).</summary>
    public int MaxProcessingAttempts { get; set; } = 3;

    /// <summary>
    /// A listener's plays of one beat count once in this time (a signed-in user, else an address): replaying a
    /// preview, or asking for stream URLs in a loop, is not more popularity.
    /// </summary>
    public TimeSpan RepeatPlayWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Listeners whose plays of one beat count in a repeat window from one client address (an IPv6 /64): a household,
    /// an office or a carrier's shared address is several people, and a loop of new accounts is not.
    /// </summary>
    public int MaxListenersPerAddress { get; set; } = 10;

    /// <summary>Listeners (and addresses) a beat's activation remembers in the window; beyond, the oldest go.</summary>
    public int MaxRememberedListeners { get; set; } = 10_000;

    /// <summary>
    /// Plays are counted in the beat's memory and stored, with its catalogue listing's update, at most this often
    /// (and with any other change of the beat, or when it deactivates).
    /// </summary>
    public TimeSpan PlaysListingDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// An object PUT to an upload URL that no beat claimed within this time is deleted (a claimed one has become a
    /// beat's master and left the incoming folder).
    /// </summary>
    public TimeSpan UnclaimedUploadRetention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// How long a replaced cover's files are still served: pages and catalogue results read before the replacement
    /// (a search result is cached for a moment, a page stays open) show the old picture instead of a broken one. They
    /// go at the first sync after this (<see cref="SyncPeriod"/>); a removed cover and a deleted beat's go at once.
    /// </summary>
    public TimeSpan ReplacedCoverRetention { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often a catalogue silo looks for unclaimed uploads past their retention.</summary>
    public TimeSpan UnclaimedUploadSweepPeriod { get; set; } = TimeSpan.FromHours(1);
}
