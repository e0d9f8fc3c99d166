using BeatOrleans.Contracts.Users;
using Microsoft.Extensions.Options;

namespace BeatOrleans.Users.Login;

/// <summary>
/// Failures are kept in memory only: losing them when the grain is collected (after its window of idleness
/// anyway) costs an attacker nothing they could not get by waiting.
/// </summary>
internal sealed class LoginThrottleGrain(IOptions<LoginThrottleOptions> options, TimeProvider clock) : Grain, ILoginThrottleGrain
{
    private readonly Queue<DateTimeOffset> failures = new();

    public Task<TimeSpan?> GetRetryAfter(int limit)
    {
        Forget();
        if (failures.Count < limit)
        {
            return Task.FromResult<TimeSpan?>(null);
        }

        var wait = failures.Peek() + options.Value.Window - clock.GetUtcNow();
        return Task.FromResult<TimeSpan?>(wait > TimeSpan.Zero ? wait : TimeSpan.FromSeconds(1));
    }

    public Task RecordFailure()
    {
        Forget();
        failures.Enqueue(clock.GetUtcNow());
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
        while (failures.Count > 0 && failures.Peek() <= horizon)
        {
            failures.Dequeue();
        }
    }
}
