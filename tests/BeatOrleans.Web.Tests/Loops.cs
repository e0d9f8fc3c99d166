using System.Diagnostics;
using System.Globalization;
using BeatOrleans.Api.Tests;

namespace BeatOrleans.Web.Tests;

/// <summary>Beat-like audio made by FFmpeg: a decaying bass hit every half second (120 BPM) and an off-beat tick, so a
/// waveform shows its pulse (a plain sine would draw a flat band).</summary>
public static class Loops
{
    public static async Task<string> Wav(double seconds)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("beatorleans-web-").FullName, "loop.wav");
        var duration = seconds.ToString(CultureInfo.InvariantCulture);
        var start = new ProcessStartInfo(Audio.FFmpeg) { RedirectStandardError = true };
        foreach (var argument in new[]
        {
            "-v", "error", "-f", "lavfi", "-i",
            $@"aevalsrc=0.7*sin(2*PI*55*t)*exp(-7*mod(t\,0.5))+0.15*sin(2*PI*1760*t)*exp(-30*mod(t+0.25\,0.5)):s=44100:d={duration}",
            "-ac", "2", "-y", path,
        })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"ffmpeg failed: {error}");
        return path;
    }
}
