using System.Diagnostics;
using System.Globalization;

namespace BeatOrleans.Testing;

/// <summary>Real pictures made and measured with the ffmpeg that scripts/test.sh installs.</summary>
public static class Images
{
    /// <summary>A test pattern of <paramref name="width"/> x <paramref name="height"/> as png, jpg or webp.</summary>
    public static async Task<byte[]> Picture(int width, int height, string format)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("beatorleans-image-").FullName, $"picture.{format}");
        var ffmpeg = Path.Combine(Path.GetDirectoryName(Audio.FFmpeg)!, "ffmpeg");
        await Run(ffmpeg, string.Create(CultureInfo.InvariantCulture,
            $"-v error -f lavfi -i testsrc=size={width}x{height} -frames:v 1 -y {path}"));
        return await File.ReadAllBytesAsync(path);
    }

    /// <summary>
    /// A JPEG carrying <paramref name="secret"/> in a comment segment right after its start marker, as a camera's
    /// metadata would be: decoders skip it, and a file written anew from the pixels does not have it.
    /// </summary>
    public static async Task<byte[]> JpegWithComment(int width, int height, string secret)
    {
        var jpeg = await Picture(width, height, "jpg");
        var text = System.Text.Encoding.ASCII.GetBytes(secret);
        byte[] segment = [0xFF, 0xFE, (byte)((text.Length + 2) >> 8), (byte)(text.Length + 2), .. text];
        return [.. jpeg[..2], .. segment, .. jpeg[2..]];
    }

    /// <summary>
    /// A 600 x 400 JPEG, its left half white and its right half black, whose EXIF orientation says to show it turned
    /// a quarter clockwise (6: as a phone held upright stores a photo): shown upright, white is on top.
    /// </summary>
    public static async Task<byte[]> SidewaysPhoto()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("beatorleans-image-").FullName, "halves.jpg");
        var ffmpeg = Path.Combine(Path.GetDirectoryName(Audio.FFmpeg)!, "ffmpeg");
        await Run(ffmpeg, "-v error -f lavfi -i color=white:s=300x400 -f lavfi -i color=black:s=300x400 "
            + $"-filter_complex hstack -frames:v 1 -y {path}");
        var jpeg = await File.ReadAllBytesAsync(path);
        // APP1 "Exif": a big-endian TIFF header and one IFD entry, Orientation (0x0112), SHORT, 1 value: 6.
        byte[] tiff =
        [
            (byte)'M', (byte)'M', 0, 42, 0, 0, 0, 8, // big-endian, the first IFD at 8
            0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, // one entry: Orientation, SHORT, 1 value, 6
            0, 0, 0, 0, // no next IFD
        ];
        byte[] payload = [.. "Exif\0\0"u8, .. tiff];
        byte[] segment = [0xFF, 0xE1, (byte)((payload.Length + 2) >> 8), (byte)(payload.Length + 2), .. payload];
        return [.. jpeg[..2], .. segment, .. jpeg[2..]];
    }

    /// <summary>The brightness (0-255) of the pixel at <paramref name="x"/>, <paramref name="y"/>.</summary>
    public static async Task<int> Brightness(byte[] image, int x, int y)
    {
        var (width, _) = await Size(image);
        var folder = Directory.CreateTempSubdirectory("beatorleans-image-").FullName;
        var (input, output) = (Path.Combine(folder, "image"), Path.Combine(folder, "gray.raw"));
        await File.WriteAllBytesAsync(input, image);
        await Run(Path.Combine(Path.GetDirectoryName(Audio.FFmpeg)!, "ffmpeg"),
            $"-v error -i {input} -f rawvideo -pix_fmt gray -y {output}");
        return (await File.ReadAllBytesAsync(output))[(y * width) + x];
    }

    /// <summary>The width and height ffprobe reads from an image.</summary>
    public static async Task<(int Width, int Height)> Size(byte[] image)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("beatorleans-image-").FullName, "probed");
        await File.WriteAllBytesAsync(path, image);
        var output = await Run(Path.Combine(Path.GetDirectoryName(Audio.FFmpeg)!, "ffprobe"),
            $"-v error -show_entries stream=width,height -of csv=p=0 {path}");
        var parts = output.Trim().Split(',');
        return (int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    private static async Task<string> Run(string program, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        var error = process.StandardError.ReadToEndAsync();
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{program} {arguments} failed: {await error}");
        return output;
    }
}
