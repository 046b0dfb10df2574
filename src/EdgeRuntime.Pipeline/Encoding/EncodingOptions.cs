namespace EdgeRuntime.Pipeline.Encoding;

/// <summary>How a slide's tiles are read and batched for the image encoder. Bound from <c>EdgeRuntime:Pipeline</c>.</summary>
public sealed class EncodingOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "EdgeRuntime:Pipeline";

    /// <summary>Threads reading and decoding tiles of one slide in parallel. Default 2.</summary>
    public int Readers { get; set; } = 2;

    /// <summary>Tiles per batch given to the encoder. Default 32.</summary>
    public int BatchSize { get; set; } = 32;

    /// <summary>Every problem with these options, each with its configuration path.</summary>
    public IEnumerable<string> Validate()
    {
        if (Readers is < 1 or > 64)
        {
            yield return $"{Section}:{nameof(Readers)} must be between 1 and 64 (is {Readers}).";
        }

        if (BatchSize is < 1 or > 4096)
        {
            yield return $"{Section}:{nameof(BatchSize)} must be between 1 and 4096 (is {BatchSize}).";
        }
    }
}
