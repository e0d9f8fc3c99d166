using System.Buffers.Binary;

namespace BeatOrleans.Api.Purchasing;

/// <summary>
/// The code points a TrueType font draws, read from its 'cmap' table (formats 4 and 12): which of the agreement's
/// fonts a character is written in. A character neither font has is written in the first (a box, as before).
/// </summary>
internal sealed class FontCoverage
{
    private readonly (int Start, int End)[] ranges;

    private FontCoverage(List<(int Start, int End)> covered) =>
        ranges = [.. covered.Where(r => r.Start <= r.End).OrderBy(r => r.Start)];

    public bool Covers(int codePoint)
    {
        var (low, high) = (0, ranges.Length - 1);
        while (low <= high)
        {
            var middle = (low + high) / 2;
            if (codePoint < ranges[middle].Start)
            {
                high = middle - 1;
            }
            else if (codePoint > ranges[middle].End)
            {
                low = middle + 1;
            }
            else
            {
                return true;
            }
        }

        return false;
    }

    public static FontCoverage Of(byte[] font)
    {
        var data = font.AsSpan();
        var tables = BinaryPrimitives.ReadUInt16BigEndian(data[4..]);
        var cmap = -1;
        for (var i = 0; i < tables; i++)
        {
            var record = data[(12 + (16 * i))..];
            if (record[..4].SequenceEqual("cmap"u8))
            {
                cmap = (int)BinaryPrimitives.ReadUInt32BigEndian(record[8..]);
            }
        }

        if (cmap < 0)
        {
            throw new InvalidDataException("The font has no cmap table.");
        }

        // Unicode subtables: platform 0 (Unicode), or 3 (Windows) with encoding 1 (BMP) or 10 (full).
        var covered = new List<(int, int)>();
        var subtables = BinaryPrimitives.ReadUInt16BigEndian(data[(cmap + 2)..]);
        for (var i = 0; i < subtables; i++)
        {
            var record = data[(cmap + 4 + (8 * i))..];
            var platform = BinaryPrimitives.ReadUInt16BigEndian(record);
            var encoding = BinaryPrimitives.ReadUInt16BigEndian(record[2..]);
            if (platform != 0 && !(platform == 3 && encoding is 1 or 10))
            {
                continue;
            }

            var table = data[(cmap + (int)BinaryPrimitives.ReadUInt32BigEndian(record[4..]))..];
            switch (BinaryPrimitives.ReadUInt16BigEndian(table))
            {
                case 4:
                    ReadFormat4(table, covered);
                    break;
                case 12:
                    ReadFormat12(table, covered);
                    break;
            }
        }

        return new FontCoverage(covered);
    }

    /// <summary>Segments of the BMP; a code point whose glyph is 0 (.notdef) is not covered.</summary>
    private static void ReadFormat4(ReadOnlySpan<byte> table, List<(int, int)> covered)
    {
        var segments = BinaryPrimitives.ReadUInt16BigEndian(table[6..]) / 2;
        var ends = table[14..];
        var starts = table[(16 + (2 * segments))..];
        var deltas = table[(16 + (4 * segments))..];
        var offsetsAt = 16 + (6 * segments);
        for (var s = 0; s < segments; s++)
        {
            int end = BinaryPrimitives.ReadUInt16BigEndian(ends[(2 * s)..]);
            int start = BinaryPrimitives.ReadUInt16BigEndian(starts[(2 * s)..]);
            var delta = BinaryPrimitives.ReadInt16BigEndian(deltas[(2 * s)..]);
            int offset = BinaryPrimitives.ReadUInt16BigEndian(table[(offsetsAt + (2 * s))..]);
            var runStart = -1;
            for (var c = start; c <= end && c != 0xFFFF; c++)
            {
                int glyph;
                if (offset == 0)
                {
                    glyph = (c + delta) & 0xFFFF;
                }
                else
                {
                    var at = offsetsAt + (2 * s) + offset + (2 * (c - start));
                    glyph = at + 1 < table.Length ? BinaryPrimitives.ReadUInt16BigEndian(table[at..]) : 0;
                    glyph = glyph == 0 ? 0 : (glyph + delta) & 0xFFFF;
                }

                if (glyph != 0 && runStart < 0)
                {
                    runStart = c;
                }
                else if (glyph == 0 && runStart >= 0)
                {
                    covered.Add((runStart, c - 1));
                    runStart = -1;
                }
            }

            if (runStart >= 0)
            {
                covered.Add((runStart, Math.Min(end, 0xFFFE)));
            }
        }
    }

    private static void ReadFormat12(ReadOnlySpan<byte> table, List<(int, int)> covered)
    {
        var groups = BinaryPrimitives.ReadUInt32BigEndian(table[12..]);
        for (var g = 0; g < groups; g++)
        {
            var group = table[(16 + (12 * g))..];
            var start = (int)BinaryPrimitives.ReadUInt32BigEndian(group);
            covered.Add((start, (int)BinaryPrimitives.ReadUInt32BigEndian(group[4..])));
        }
    }
}
