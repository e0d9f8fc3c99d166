using System.IO.Compression;

namespace BeatOrleans.Testing;

/// <summary>Stems as a producer sends them: a zip of track-outs, each one unique so a test can tell two apart.</summary>
public static class Stems
{
    public static byte[] Zip(string content = "stem bytes")
    {
        using var memory = new MemoryStream();
        using (var zip = new ZipArchive(memory, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var writer = new StreamWriter(zip.CreateEntry("drums.wav").Open());
            writer.Write($"{content} {Guid.NewGuid()}");
        }

        return memory.ToArray();
    }
}
