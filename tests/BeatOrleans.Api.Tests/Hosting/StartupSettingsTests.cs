namespace BeatOrleans.Api.Tests.Hosting;

/// <summary>A host made with the given settings, started by the test.</summary>
public sealed class SettingsHost(Dictionary<string, string?> settings) : MarketplaceHost(settings);

/// <summary>Settings that could only fail requests later stop the node at start, naming the setting.</summary>
public sealed class StartupSettingsTests
{
    [Theory]
    [InlineData("Auth:Jwt:SigningKey", "not base64!!", "SigningKey")]
    [InlineData("Auth:Jwt:SigningKey", "AAAA", "SigningKey")]
    [InlineData("RateLimits:MessagesPerUserPer10Seconds", "0", "MessagesPerUserPer10Seconds")]
    [InlineData("RateLimits:OrdersPerUserPerMinute", "0", "OrdersPerUserPerMinute")]
    [InlineData("RateLimits:UploadsPerUserPerHour", "0", "UploadsPerUserPerHour")]
    [InlineData("RateLimits:ProfileChangesPerUserPerMinute", "0", "ProfileChangesPerUserPerMinute")]
    public async Task A_setting_that_would_fail_requests_stops_the_node_at_start(string key, string value, string named)
    {
        var host = new SettingsHost(new() { [key] = value });
        try
        {
            var refused = await Assert.ThrowsAnyAsync<Exception>(host.InitializeAsync);
            Assert.Contains(named, refused.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_damaged_key_file_stops_the_node_at_start()
    {
        var folder = Directory.CreateTempSubdirectory("beatorleans-key-").FullName;
        var file = Path.Combine(folder, "jwt-signing.key");
        await File.WriteAllTextAsync(file, "damaged");
        var host = new SettingsHost(new() { ["Auth:Jwt:SigningKeyFile"] = file });
        try
        {
            var refused = await Assert.ThrowsAnyAsync<Exception>(host.InitializeAsync);
            Assert.Contains("SigningKeyFile", refused.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            await host.DisposeAsync();
            Directory.Delete(folder, recursive: true);
        }
    }
}
