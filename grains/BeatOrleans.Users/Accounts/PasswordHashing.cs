using BeatOrleans.Contracts.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace BeatOrleans.Users.Accounts;

public sealed class PasswordHashingOptions
{
    public const string Section = "Users:Passwords";

    /// <summary>OWASP's 2023 figure for PBKDF2-HMAC-SHA512.</summary>
    public const int MinimumIterations = 210_000;

    public int Iterations { get; set; } = MinimumIterations;

    /// <summary>Hashes computed at once; by default all cores but one, so grain turns always keep a core.</summary>
    public int MaxConcurrency { get; set; } = Math.Max(1, Environment.ProcessorCount - 1);

    /// <summary>
    /// How long a hash may wait for a free slot before the signup or login is refused as busy (nothing changed, the
    /// client told to try again). The API node gives a grain call 5 s (<c>Orleans:ResponseTimeout</c>); a signup
    /// still waiting when its caller gave up would go on to create the account after its client was answered 503,
    /// so the wait plus the hash has to fit well inside that.
    /// </summary>
    public TimeSpan QueueTimeout { get; set; } = TimeSpan.FromSeconds(2);
}

/// <summary>
/// PBKDF2-HMAC-SHA512 through ASP.NET Core Identity's hasher. A hash costs ~100 ms of one core, so it runs
/// on the thread pool behind a semaphore: a burst of logins queues here instead of occupying every core. The queue
/// is bounded in time: past <see cref="PasswordHashingOptions.QueueTimeout"/> a check is refused with
/// <see cref="PasswordChecksBusyException"/>, which its callers raise before they change anything.
/// </summary>
public sealed class PasswordHashing : IDisposable
{
    private static readonly object Account = new();
    private readonly PasswordHasher<object> hasher;
    private readonly SemaphoreSlim slots;
    private readonly Lazy<string> decoy;
    private readonly TimeSpan queueTimeout;

    public PasswordHashing(IOptions<PasswordHashingOptions> options)
    {
        hasher = new PasswordHasher<object>(Options.Create(new PasswordHasherOptions
        {
            CompatibilityMode = PasswordHasherCompatibilityMode.IdentityV3,
            IterationCount = options.Value.Iterations,
        }));
        slots = new SemaphoreSlim(options.Value.MaxConcurrency);
        queueTimeout = options.Value.QueueTimeout;
        decoy = new Lazy<string>(() => hasher.HashPassword(Account, Guid.NewGuid().ToString()));
    }

    public Task<string> Hash(string password) => Run(() => hasher.HashPassword(Account, password));

    public Task<bool> Verify(string hash, string password) =>
        Run(() => hasher.VerifyHashedPassword(Account, hash, password) != PasswordVerificationResult.Failed);

    /// <summary>Spends the time of a real check, so an unknown email cannot be told apart by timing.</summary>
    public Task VerifyDecoy(string password) => Run(() => hasher.VerifyHashedPassword(Account, decoy.Value, password));

    public void Dispose() => slots.Dispose();

    private async Task<T> Run<T>(Func<T> work)
    {
        if (!await slots.WaitAsync(queueTimeout))
        {
            UsersMetrics.PasswordCheckRefused();
            throw new PasswordChecksBusyException();
        }

        try
        {
            return await Task.Run(work);
        }
        finally
        {
            slots.Release();
        }
    }
}
