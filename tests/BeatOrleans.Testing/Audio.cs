using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace BeatOrleans.Testing;

/// <summary>Real audio made and measured with the ffmpeg that scripts/test.sh installs.</summary>
public static partial class Audio
{
    public static string FFmpeg => Path.Combine(Environment.GetEnvironmentVariable("BEATORLEANS_TEST_FFMPEG") ?? "", "ffmpeg");

    /// <summary>A sine tone of <paramref name="seconds"/> at 1/8 full scale, as wav, mp3, flac, ogg or aiff.</summary>
    /// <summary>
    /// A file that only looks like audio: a WAV header and no sound. The upload takes it (it is judged by its first
    /// bytes), and processing ends the beat <c>failed</c>.
    /// </summary>
    public static byte[] Impostor() =>
        [.. System.Text.Encoding.ASCII.GetBytes("RIFF\0\0\0\0WAVE"), .. Enumerable.Repeat((byte)'x', 50_000)];

    public static async Task<string> Tone(double frequency, double seconds, string format, int channels = 2)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("beatorleans-audio-").FullName, $"tone.{format}");
        await Run($"-f lavfi -i sine=frequency={Invariant(frequency)}:duration={Invariant(seconds)}:sample_rate=44100 -ac {channels} -y {path}");
        return path;
    }

    /// <summary>
    /// A mono FLAC of <paramref name="seconds"/> of tone whose STREAMINFO header claims
    /// <paramref name="claimedSeconds"/> (and no MD5): ffprobe reports the claim, decoding plays it all.
    /// </summary>
    public static async Task<byte[]> LyingFlac(double seconds, double claimedSeconds)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("beatorleans-audio-").FullName, "lying.flac");
        await Run($"-f lavfi -i sine=frequency=330:duration={Invariant(seconds)}:sample_rate=8000 -ac 1 -y {path}");
        var flac = await File.ReadAllBytesAsync(path);
        Assert.Equal("fLaC", System.Text.Encoding.ASCII.GetString(flac, 0, 4));
        // STREAMINFO's data starts at 8: 36 bits of total samples end at byte 25 (low 4 bits of 21, then 22-25).
        var samples = (long)(claimedSeconds * 8000);
        flac[21] = (byte)((flac[21] & 0xF0) | (int)((samples >> 32) & 0x0F));
        flac[22] = (byte)(samples >> 24);
        flac[23] = (byte)(samples >> 16);
        flac[24] = (byte)(samples >> 8);
        flac[25] = (byte)samples;
        Array.Clear(flac, 26, 16);
        return flac;
    }

    /// <summary>
    /// 20 s of stereo Ogg Vorbis with 12,000 bytes zeroed a third of the way in: the decoder skips the damaged pages,
    /// so the stream's timeline has a gap and it decodes to fewer seconds of samples than its timestamps span.
    /// </summary>
    public static async Task<byte[]> DamagedOgg()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("beatorleans-audio-").FullName, "damaged.ogg");
        await Run($"-f lavfi -i sine=frequency=330:duration=20:sample_rate=44100 -ac 2 -c:a libvorbis -y {path}");
        var ogg = await File.ReadAllBytesAsync(path);
        Array.Clear(ogg, ogg.Length / 3, 12_000);
        return ogg;
    }

    /// <summary>Silence at a high sample rate in many channels: a tiny FLAC that decodes to a very large WAV.</summary>
    public static async Task<byte[]> WideSilenceFlac(double seconds)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("beatorleans-audio-").FullName, "silence.flac");
        await Run($"-f lavfi -i anullsrc=r=192000:cl=7.1 -t {Invariant(seconds)} -c:a flac -y {path}");
        return await File.ReadAllBytesAsync(path);
    }

    /// <summary>The length in seconds ffprobe reads from a file's samples.</summary>
    public static async Task<double> Seconds(string path)
    {
        var probe = Path.Combine(Path.GetDirectoryName(FFmpeg)!, "ffprobe");
        var arguments = $"-v error -show_entries format=duration -of csv=p=0 {path}";
        using var process = Process.Start(new ProcessStartInfo(probe, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return double.Parse(output.Trim(), CultureInfo.InvariantCulture);
    }

    /// <summary>Mean level in dB of the band around <paramref name="frequency"/> between <paramref name="start"/> and start + duration.</summary>
    public static async Task<double> BandLevel(string path, double frequency, double start, double duration)
    {
        var output = await Run($"-hide_banner -ss {Invariant(start)} -t {Invariant(duration)} -i {path} -af bandpass=f={Invariant(frequency)}:width_type=q:w=8,volumedetect -f null -");
        var match = MeanVolume().Match(output);
        Assert.True(match.Success, $"volumedetect printed no mean_volume: {output}");
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    private static string Invariant(double value) => value.ToString(CultureInfo.InvariantCulture);

    private static async Task<string> Run(string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(FFmpeg, arguments) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        var text = await error;
        Assert.True(process.ExitCode == 0, $"ffmpeg {arguments} failed: {text}");
        return text;
    }

    [GeneratedRegex(@"mean_volume: (-?[0-9.]+) dB")]
    private static partial Regex MeanVolume();
}

/// <summary>A folder whose ffprobe waits 3 s before running the real one.</summary>
public static class SlowFFmpeg
{
    public static string Folder() => WrappedFFmpeg.Folder(ffprobe: "sleep 3");
}

/// <summary>A folder of ffmpeg/ffprobe scripts that run a shell snippet first, then the real program.</summary>
public static class WrappedFFmpeg
{
    public static string Folder(string ffmpeg = "", string ffprobe = "")
    {
        var folder = Directory.CreateTempSubdirectory("beatorleans-ffmpeg-").FullName;
        var real = Path.GetDirectoryName(Audio.FFmpeg) is { Length: > 0 } dir ? dir : "/usr/bin";
        foreach (var (name, before) in new[] { ("ffmpeg", ffmpeg), ("ffprobe", ffprobe) })
        {
            var path = Path.Combine(folder, name);
            File.WriteAllText(path, $"#!/bin/sh\n{before}\nexec {real}/{name} \"$@\"\n");
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }

        return folder;
    }
}

