using System.Security.Cryptography;
using BeatOrleans.Hosting.Startup;
using Microsoft.IdentityModel.Tokens;

namespace BeatOrleans.Api.Auth;

internal static class SigningKeys
{
    public const int MinimumBytes = 32;

    /// <summary>The keys of <see cref="JwtOptions.PreviousSigningKeys"/>, accepted while a rotation settles.</summary>
    public static PreviousSigningKeys Previous(JwtOptions options) => new([.. options.PreviousSigningKeys.Select(key =>
    {
        var bytes = Convert.FromBase64String(key);
        return bytes.Length >= MinimumBytes
            ? new SymmetricSecurityKey(bytes)
            : throw new StartupSettingException($"{JwtOptions.Section}:PreviousSigningKeys must each be at least {MinimumBytes} bytes (base64).");
    })]);

    /// <summary>The configured key, or in the embedded profile a key generated once and kept beside the data.</summary>
    public static SymmetricSecurityKey Resolve(JwtOptions options, bool embedded)
    {
        if (!string.IsNullOrWhiteSpace(options.SigningKey))
        {
            var configured = Convert.FromBase64String(options.SigningKey);
            return configured.Length >= MinimumBytes
                ? new SymmetricSecurityKey(configured)
                : throw new StartupSettingException($"{JwtOptions.Section}:SigningKey must be at least {MinimumBytes} bytes (base64).");
        }

        if (!embedded)
        {
            throw new StartupSettingException(
                $"{JwtOptions.Section}:SigningKey is required in the cluster profile (base64, >= {MinimumBytes} bytes, the same on every API node).");
        }

        var path = Path.GetFullPath(options.SigningKeyFile);
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, Convert.ToBase64String(RandomNumberGenerator.GetBytes(64)));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }

        var kept = File.ReadAllText(path).Trim();
        return Convert.TryFromBase64String(kept, new byte[kept.Length], out var length) && length >= MinimumBytes
            ? new SymmetricSecurityKey(Convert.FromBase64String(kept))
            : throw new StartupSettingException(
                $"{JwtOptions.Section}:SigningKeyFile ({path}) must hold base64 of at least {MinimumBytes} bytes.");
    }
}

/// <summary>Resolves the signing key when the node starts, so a bad one stops it there with the reason.</summary>
internal sealed class SigningKeyCheck(IServiceProvider services) : Microsoft.Extensions.Hosting.IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = services.GetRequiredService<SigningCredentials>();
        _ = services.GetRequiredService<PreviousSigningKeys>();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Keys that verify (never sign) tokens and signed URLs issued before the current key.</summary>
public sealed record PreviousSigningKeys(IReadOnlyList<SymmetricSecurityKey> Keys);
