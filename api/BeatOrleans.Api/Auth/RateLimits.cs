using System.Globalization;
using System.Threading.RateLimiting;
using BeatOrleans.Hosting.Startup;
using Microsoft.AspNetCore.RateLimiting;

namespace BeatOrleans.Api.Auth;

public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>Signup, login and refresh attempts one client address may make per minute on one node.</summary>
    public int CredentialsPerClientPerMinute { get; set; } = 30;

    /// <summary>Chat messages one user may send per 10 seconds on one node (REST and hub together).</summary>
    public int MessagesPerUserPer10Seconds { get; set; } = 20;

    /// <summary>
    /// Purchases one user may place per minute on one node. Each makes a payment with the provider (a Stripe
    /// PaymentIntent, under the account's API rate limit), and leases hold nothing a cap on unpaid holds would count.
    /// </summary>
    public int OrdersPerUserPerMinute { get; set; } = 20;

    /// <summary>
    /// Uploads one user may start per hour on one node, all kinds together (beats, upload URLs, stems, voice tags),
    /// as a burst of this many that refills evenly over the hour. Each stores up to hundreds of MB and beats take
    /// FFmpeg time, so an account cannot fill the blob store or the media silos in a loop.
    /// </summary>
    public int UploadsPerUserPerHour { get; set; } = 60;

    /// <summary>
    /// Profile changes one user may make per minute on one node. An email change answers whether another account
    /// has that address (409), which login hides; this keeps an account from asking it for a list of addresses.
    /// </summary>
    public int ProfileChangesPerUserPerMinute { get; set; } = 10;
}

public static class RateLimits
{
    /// <summary>Policy for the endpoints that take credentials.</summary>
    public const string Credentials = "credentials";

    /// <summary>Policy for placing purchases, per signed-in user.</summary>
    public const string Orders = "orders";

    /// <summary>Policy for every upload (beats, upload URLs, stems, voice tags), per signed-in user.</summary>
    public const string Uploads = "uploads";

    /// <summary>Policy for profile changes, per signed-in user.</summary>
    public const string ProfileChanges = "profile-changes";

    public static WebApplicationBuilder AddMarketplaceRateLimits(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(RateLimitOptions.Section).Get<RateLimitOptions>() ?? new RateLimitOptions();
        foreach (var (name, value) in new[]
        {
            (nameof(options.CredentialsPerClientPerMinute), options.CredentialsPerClientPerMinute),
            (nameof(options.MessagesPerUserPer10Seconds), options.MessagesPerUserPer10Seconds),
            (nameof(options.OrdersPerUserPerMinute), options.OrdersPerUserPerMinute),
            (nameof(options.UploadsPerUserPerHour), options.UploadsPerUserPerHour),
            (nameof(options.ProfileChangesPerUserPerMinute), options.ProfileChangesPerUserPerMinute),
        })
        {
            if (value < 1)
            {
                throw new StartupSettingException($"{RateLimitOptions.Section}:{name} must be at least 1.");
            }
        }

        builder.Services.AddSingleton(new MessageThrottle(options.MessagesPerUserPer10Seconds));
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            // A bucket of a minute's attempts that refills one attempt at a time (30 a minute: one every 2 s), so a
            // refusal can say when the next attempt is allowed (Retry-After), which a sliding window cannot.
            limiter.AddPolicy(Credentials,
                Bucket(Client, options.CredentialsPerClientPerMinute, TimeSpan.FromMinutes(1)));
            // After authentication (the pipeline's order), so the partition is the caller; an anonymous request is
            // refused 401 by the endpoint's authorization before this runs.
            limiter.AddPolicy(Orders, Bucket(Caller, options.OrdersPerUserPerMinute, TimeSpan.FromMinutes(1)));
            limiter.AddPolicy(Uploads, Bucket(Caller, options.UploadsPerUserPerHour, TimeSpan.FromHours(1)));
            limiter.AddPolicy(ProfileChanges,
                Bucket(Caller, options.ProfileChangesPerUserPerMinute, TimeSpan.FromMinutes(1)));
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait)
                    ? wait
                    : TimeSpan.FromSeconds(2);
                context.HttpContext.Response.SetRetryAfter(retryAfter);
                await context.HttpContext.WriteProblem(429, "Too many attempts.", "Wait before trying again.");
            };
        });
        return builder;
    }

    private static string Client(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private static string Caller(HttpContext http) =>
        http.User.Identity?.IsAuthenticated == true ? http.User.UserId() : "anonymous";

    /// <summary>
    /// A bucket of <paramref name="limit"/> per partition (a client address, a user) that refills one at a time over
    /// <paramref name="period"/>.
    /// </summary>
    private static Func<HttpContext, RateLimitPartition<string>> Bucket(
        Func<HttpContext, string> partition, int limit, TimeSpan period) =>
        http => RateLimitPartition.GetTokenBucketLimiter(
            partition(http),
            _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = limit,
                TokensPerPeriod = 1,
                ReplenishmentPeriod = period / limit,
                QueueLimit = 0,
            });
}

/// <summary>One budget per user for chat messages, shared by POST /api/chat/send and the hub's SendMessage.</summary>
public sealed class MessageThrottle(int perTenSeconds) : IDisposable
{
    private readonly PartitionedRateLimiter<string> limiter = PartitionedRateLimiter.Create<string, string>(user =>
        RateLimitPartition.GetTokenBucketLimiter(user, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = perTenSeconds,
            TokensPerPeriod = perTenSeconds,
            ReplenishmentPeriod = TimeSpan.FromSeconds(10),
            QueueLimit = 0,
        }));

    /// <summary>Null when the user may send now, else how long to wait.</summary>
    public TimeSpan? TryTake(string userId)
    {
        using var lease = limiter.AttemptAcquire(userId);
        return lease.IsAcquired ? null : lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(10);
    }

    public void Dispose() => limiter.Dispose();
}
