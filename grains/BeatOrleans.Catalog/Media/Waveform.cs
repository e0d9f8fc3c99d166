namespace BeatOrleans.Catalog.Media;

/// <summary>Peaks of a mono 16-bit PCM file, one per equal slice, scaled to 0..1.</summary>
public static class Waveform
{
    public static async Task<IReadOnlyList<float>> Peaks(string pcmPath, int points, CancellationToken cancellationToken)
    {
        var samples = new FileInfo(pcmPath).Length / 2;
        var peaks = new float[points];
        if (samples == 0)
        {
            return peaks;
        }

        var perPoint = Math.Max(1, (double)samples / points);
        var buffer = new byte[64 * 1024];
        await using var file = new FileStream(pcmPath, FileMode.Open, FileAccess.Read, FileShare.Read, buffer.Length, useAsync: true);
        long index = 0;
        int read;
        var carry = -1;
        while ((read = await file.ReadAsync(buffer, cancellationToken)) > 0)
        {
            var offset = 0;
            if (carry >= 0)
            {
                Record(peaks, ref index, perPoint, (short)(carry | (buffer[0] << 8)));
                offset = 1;
                carry = -1;
            }

            for (; offset + 1 < read; offset += 2)
            {
                Record(peaks, ref index, perPoint, (short)(buffer[offset] | (buffer[offset + 1] << 8)));
            }

            if (offset < read)
            {
                carry = buffer[offset];
            }
        }

        return [.. peaks.Select(p => MathF.Round(p, 3))];
    }

    private static void Record(float[] peaks, ref long index, double perPoint, short sample)
    {
        var point = Math.Min(peaks.Length - 1, (int)(index++ / perPoint));
        var level = Math.Abs(sample / 32768f);
        if (level > peaks[point])
        {
            peaks[point] = level;
        }
    }
}
