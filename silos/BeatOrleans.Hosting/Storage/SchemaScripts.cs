namespace BeatOrleans.Hosting.Storage;

/// <summary>The SQL scripts embedded in this assembly (Storage/*.sql).</summary>
internal static class SchemaScripts
{
    public static async Task<string> Read(string fileName)
    {
        await using var stream = typeof(SchemaScripts).Assembly.GetManifestResourceStream($"BeatOrleans.Hosting.Storage.{fileName}")
            ?? throw new InvalidOperationException($"The schema script {fileName} is missing from the hosting assembly.");
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }
}
