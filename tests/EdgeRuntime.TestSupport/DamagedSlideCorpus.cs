using System.Buffers.Binary;

namespace EdgeRuntime.TestSupport;

/// <summary>
/// Damaged slide files made from real ones, seeded so that a failure can be replayed: truncations at random
/// offsets, flipped bytes in the header and in the tile data, wrong extensions, huge declared dimensions and TIFFs
/// whose first IFD points back at itself (a cycle). What a scanner's broken disk, a cut network copy or a
/// malicious file gives an inbox.
/// </summary>
public static class DamagedSlideCorpus
{
    /// <summary>The kinds of damage, in the order they are dealt out.</summary>
    public static readonly IReadOnlyList<string> Kinds = ["truncated", "header-flipped", "data-flipped", "wrong-extension", "huge-dimensions", "cyclic-ifd"];

    /// <summary>
    /// Writes <paramref name="count"/> damaged files into <paramref name="folder"/> (names say the damage and the
    /// source), from <paramref name="sources"/>; returns each file's name and kind.
    /// </summary>
    public static IReadOnlyList<(string Name, string Kind)> Write(string folder, IReadOnlyList<string> sources, int count, int seed)
    {
        ArgumentNullException.ThrowIfNull(sources);
        Directory.CreateDirectory(folder);
        var random = new Random(seed);
        var originals = sources.Select(File.ReadAllBytes).ToList();
        var made = new List<(string, string)>();
        for (var i = 0; i < count; i++)
        {
            var kind = Kinds[i % Kinds.Count];
            var s = random.Next(sources.Count);
            var bytes = (byte[])originals[s].Clone();
            var extension = Path.GetExtension(sources[s]);
            bytes = Damage(bytes, kind, random);
            if (kind == "wrong-extension")
            {
                extension = new[] { ".svs", ".ndpi", ".mrxs", ".tiff", ".scn", ".png" }.Where(e => e != extension).ElementAt(random.Next(5));
            }

            if (kind is "wrong-extension" or "huge-dimensions" or "cyclic-ifd")
            {
                // Trailing bytes a reader ignores, so that copies of one source are distinct files, not duplicates.
                bytes = [.. bytes, .. BitConverter.GetBytes(i)];
            }

            var name = $"{i:D4}-{kind}-{Path.GetFileNameWithoutExtension(sources[s])}{extension}";
            File.WriteAllBytes(Path.Combine(folder, name), bytes);
            made.Add((name, kind));
        }

        return made;
    }

    /// <summary>A copy of <paramref name="original"/> with damage of <paramref name="kind"/> (one of <see cref="Kinds"/>).</summary>
    public static byte[] Damage(byte[] original, string kind, Random random)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(random);
        var bytes = (byte[])original.Clone();
        switch (kind)
        {
            case "truncated":
                return bytes.AsSpan(0, random.Next(1, bytes.Length)).ToArray();
            case "header-flipped":
                Flip(bytes, random, 0, Math.Min(512, bytes.Length), 1 + random.Next(4));
                break;
            case "data-flipped":
                Flip(bytes, random, Math.Min(512, bytes.Length - 1), bytes.Length, 1 + random.Next(64));
                break;
            case "huge-dimensions":
                SetFirstIfd(bytes, (entries, at) => SetDimensions(bytes, entries, at, random));
                break;
            case "cyclic-ifd":
                SetFirstIfd(bytes, (entries, at) => PointBackAt(bytes, entries, at));
                break;
        }

        return bytes;
    }

    private static void Flip(byte[] bytes, Random random, int from, int to, int count)
    {
        for (var k = 0; k < count && to > from; k++)
        {
            bytes[random.Next(from, to)] ^= (byte)(1 + random.Next(255));
        }
    }

    // Classic little-endian TIFF ("II*\0"): the first IFD's offset is at byte 4; an IFD is a count, 12-byte entries
    // (tag, type, count, value), then the next IFD's offset. Files of another layout are left as they are.
    private static void SetFirstIfd(byte[] bytes, Action<int, int> edit)
    {
        if (bytes.Length < 8 || bytes[0] != 'I' || bytes[1] != 'I' || BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(2)) != 42)
        {
            return;
        }

        var at = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4));
        if (at <= 0 || at + 2 > bytes.Length)
        {
            return;
        }

        var entries = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(at));
        if (at + 2 + (entries * 12) + 4 <= bytes.Length)
        {
            edit(entries, at);
        }
    }

    private static void SetDimensions(byte[] bytes, int entries, int at, Random random)
    {
        for (var e = 0; e < entries; e++)
        {
            var entry = bytes.AsSpan(at + 2 + (e * 12), 12);
            var tag = BinaryPrimitives.ReadUInt16LittleEndian(entry);
            var type = BinaryPrimitives.ReadUInt16LittleEndian(entry[2..]);
            if (tag is 256 or 257)
            {
                // ImageWidth / ImageLength: as large as the field's type allows, or merely absurd.
                var huge = random.Next(2) == 0 ? uint.MaxValue : 1u << 30;
                if (type == 3)
                {
                    BinaryPrimitives.WriteUInt16LittleEndian(entry[8..], ushort.MaxValue);
                }
                else
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(entry[8..], huge);
                }
            }
        }
    }

    private static void PointBackAt(byte[] bytes, int entries, int at) =>
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at + 2 + (entries * 12)), (uint)at);
}
