using BeatOrleans.Users.Accounts;
using BeatOrleans.Users.Login;
using BeatOrleans.Users.Sessions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace BeatOrleans.Users;

/// <summary>The users domain as a silo loads it: its grain assembly and the services its grains need.</summary>
public static class UsersDomain
{
    public const string Name = "users";

    public static IServiceCollection AddUsersDomain(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PasswordHashingOptions>()
            .Bind(configuration.GetSection(PasswordHashingOptions.Section))
            .Validate(o => o.Iterations >= PasswordHashingOptions.MinimumIterations,
                $"{PasswordHashingOptions.Section}:Iterations must be at least {PasswordHashingOptions.MinimumIterations} (OWASP, PBKDF2-HMAC-SHA512).")
            .Validate(o => o.MaxConcurrency >= 1, $"{PasswordHashingOptions.Section}:MaxConcurrency must be at least 1.")
            .Validate(o => o.QueueTimeout > TimeSpan.Zero && o.QueueTimeout <= TimeSpan.FromSeconds(4),
                $"{PasswordHashingOptions.Section}:QueueTimeout must be positive and at most 4 s "
                + "(an API node's grain call times out after 5 s).")
            .ValidateOnStart();
        services.AddOptions<SessionOptions>()
            .Bind(configuration.GetSection(SessionOptions.Section))
            .Validate(o => o.RefreshTokenLifetime > TimeSpan.Zero, $"{SessionOptions.Section}:RefreshTokenLifetime must be positive.")
            .ValidateOnStart();
        services.AddOptions<LoginThrottleOptions>()
            .Bind(configuration.GetSection(LoginThrottleOptions.Section))
            .Validate(o => o.MaxFailures >= 1 && o.MaxFailuresPerAccount >= o.MaxFailures && o.Window > TimeSpan.Zero,
                $"{LoginThrottleOptions.Section}: MaxFailures must be at least 1, "
                + "MaxFailuresPerAccount at least MaxFailures, and Window positive.")
            .ValidateOnStart();
        services.AddSingleton<PasswordHashing>();
        services.AddSingleton(TimeProvider.System);
        return services;
    }
}
