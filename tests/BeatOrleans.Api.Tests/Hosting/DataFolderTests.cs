namespace BeatOrleans.Api.Tests.Hosting;

/// <summary>The embedded profile's files hold emails and password hashes: they are the running user's alone.</summary>
public sealed class DataFolderTests(MarketplaceHost host) : IClassFixture<MarketplaceHost>
{
    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task The_database_and_its_journal_files_are_readable_by_their_owner_only()
    {
        var http = host.CreateClient();
        await http.LogIn(await http.SignUp()); // writes: the journal files exist now

        var database = Path.Combine(host.DataDirectory, "beatorleans.db");
        var files = new[] { database, $"{database}-wal", $"{database}-shm" }.Where(File.Exists).ToList();

        Assert.Contains(database, files);
        foreach (var file in files)
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
    }
}
