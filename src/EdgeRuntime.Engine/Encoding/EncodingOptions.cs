namespace EdgeRuntime.Engine.Encoding;

/// <summary>How a slide's tiles are read and batched for the image encoder. Bound from <c>EdgeRuntime:Pipeline</c>.</summary>
public sealed class EncodingOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "EdgeRuntime:Pipeline";

    private const int MaxReaders = 64;

    /// <summary>
    /// Threads reading and decoding tiles of one slide in parallel. Default 0 = one per core (at most 64): raw
    /// OpenSlide reads scale with threads up to the core count (bench/run: about 580 tiles/s of 224 px per core),
    /// and on a GPU box reading is what the CPU is for. Each reader holds one batch buffer.
    /// </summary>
    public int Readers { get; set; }

    /// <summary>The reader count to use: the configured one, or one per core.</summary>
    public int EffectiveReaders => Readers > 0 ? Readers : Math.Min(Environment.ProcessorCount, MaxReaders);

    /// <summary>Tiles per batch given to the encoder. Default 32.</summary>
    public int BatchSize { get; set; } = 32;

    /// <summary>Every problem with these options, each with its configuration path.</summary>
    public IEnumerable<string> Validate()
    {
        if (Readers is < 0 or > MaxReaders)
        {
            yield return $"{Section}:{nameof(Readers)} must be 0 (one per core) or between 1 and {MaxReaders} (is {Readers}).";
        }

        if (BatchSize is < 1 or > 4096)
        {
            yield return $"{Section}:{nameof(BatchSize)} must be between 1 and 4096 (is {BatchSize}).";
        }
    }
}
