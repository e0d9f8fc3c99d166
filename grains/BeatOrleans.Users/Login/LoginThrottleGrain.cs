using BeatOrleans.Contracts.Users;
using Microsoft.Extensions.Options;

namespace BeatOrleans.Users.Login;

/// <summary>
/// Failures are kept in memory only: losing them when the grain is collected (after its window of idleness
/// anyway) costs an attacker nothing they could not get by waiting.
/// </summary>
internal sealed class LoginThrottleGrain(IOptions<LoginThrottleOptions> options, TimeProvider clock) : Grain, ILoginThrottleGrain
{
    /// <summary>Oldest first.</summary>
    private readonly LinkedList<DateTimeOffset> failures = new();

    public Task<TimeSpan?> TryAttempt(int limit)
    {
        var wait = Wait(limit);
        if (wait is null)
        {
            failures.AddLast(clock.GetUtcNow());
        }

        return Task.FromResult(wait);
    }

    public Task<TimeSpan?> GetRetryAfter(int limit) => Task.FromResult(Wait(limit));

    private TimeSpan? Wait(int limit)
    {
        Forget();
        if (failures.Count < limit)
        {
            return null;
        }

        var wait = failures.First!.Value + options.Value.Window - clock.GetUtcNow();
        return wait > TimeSpan.Zero ? wait : TimeSpan.FromSeconds(1);
    }

    public Task RecordFailure()
    {
        Forget();
        failures.AddLast(clock.GetUtcNow());
        return Task.CompletedTask;
    }

    public Task Forgive()
    {
        if (failures.Count > 0)
        {
            failures.RemoveLast();
        }

        return Task.CompletedTask;
    }

    public Task Reset()
    {
        failures.Clear();
        return Task.CompletedTask;
    }

    private void Forget()
    {
        var horizon = clock.GetUtcNow() - options.Value.Window;
        while (failures.First is { } oldest && oldest.Value <= horizon)
        {
            failures.RemoveFirst();
        }
    }
}
