using Microsoft.Extensions.Logging;

namespace BeatOrleans.Catalog.Media;

/// <summary>
/// The scratch folders FFmpeg works in (it reads and writes files): one per job under <c>Media:WorkFolder</c> (the
/// temporary folder by default), removed when the job ends whatever became of it.
/// </summary>
internal static partial class WorkFolders
{
    /// <summary>A new, empty folder for one job, named <paramref name="name"/> and a random suffix.</summary>
    public static string Create(MediaOptions options, string name)
    {
        var root = string.IsNullOrWhiteSpace(options.WorkFolder)
            ? Path.Combine(Path.GetTempPath(), "beatorleans-media")
            : options.WorkFolder;
        return Directory.CreateDirectory(Path.Combine(root, $"{name}-{Guid.NewGuid():N}")).FullName;
    }

    /// <summary>Removes a job's folder; a failure is logged, never thrown (the job's outcome stands).</summary>
    public static void TryDelete(string folder, ILogger logger)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogCleanupFailed(logger, e, folder);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not delete the work folder {Folder}")]
    private static partial void LogCleanupFailed(ILogger logger, Exception exception, string folder);
}
