using System.Globalization;
using EdgeRuntime.Slides.Resolution;

namespace EdgeRuntime.Inference.Packages;

/// <summary>Checks a manifest's values; every problem names its key.</summary>
internal static class ManifestValidator
{
    public static IEnumerable<string> Validate(ModelManifest m)
    {
        if (m.SchemaVersion is not (1 or 2))
        {
            yield return $"model.json: schemaVersion {m.SchemaVersion} is not supported (this runtime reads 1 and 2).";
        }

        foreach (var (key, value) in new[] { ("id", m.Id), ("name", m.Name), ("version", m.Version), ("family", m.Family), ("license", m.License), ("source", m.Source) })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                yield return $"model.json: {key} must not be empty.";
            }
        }

        if (m.Id.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
        {
            yield return $"model.json: id '{m.Id}' may hold only letters, digits, '-', '_' and '.'.";
        }

        if (m.EmbeddingSize is <= 0 or > ManifestLimits.MaxEmbeddingWidth)
        {
            yield return $"model.json: embeddingSize must be from 1 to {ManifestLimits.MaxEmbeddingWidth} (is {m.EmbeddingSize}).";
        }

        foreach (var problem in ModelKindRules.Validate(m))
        {
            yield return problem;
        }

        foreach (var problem in m.Tokenizer is { } tokenizer ? TokenizerRules.Validate(tokenizer, m.TextEncoder?.AttentionMask) : [])
        {
            yield return problem;
        }

        var p = m.Preprocessing;
        if (p.InputSize is < TileLimits.MinimumSide or > TileLimits.MaximumSide)
        {
            yield return $"model.json: preprocessing.inputSize must be from {TileLimits.MinimumSide} to {TileLimits.MaximumSide} pixels (is {p.InputSize}).";
        }

        if (p.Resize is not ("shortest-side" or "exact"))
        {
            yield return $"model.json: preprocessing.resize '{p.Resize}' must be 'shortest-side' or 'exact'.";
        }

        if (p.Interpolation is not ("bicubic" or "bilinear"))
        {
            yield return $"model.json: preprocessing.interpolation '{p.Interpolation}' must be 'bicubic' or 'bilinear'.";
        }

        if (p.ResizeTo is { } resizeTo && (p.Resize != "shortest-side" || resizeTo < p.InputSize))
        {
            yield return $"model.json: preprocessing.resizeTo {resizeTo} needs resize 'shortest-side' and at least the inputSize {p.InputSize}.";
        }
        else if (p.ResizeTo > TileLimits.MaximumSide)
        {
            yield return $"model.json: preprocessing.resizeTo must be at most {TileLimits.MaximumSide} pixels (is {p.ResizeTo}).";
        }

        if (p.ChannelOrder is not ("RGB" or "BGR"))
        {
            yield return $"model.json: preprocessing.channelOrder '{p.ChannelOrder}' must be 'RGB' or 'BGR'.";
        }

        // Subtracted from values scaled to 0–1: a mean outside that range (255-scaled, NaN) is a wrong manifest.
        if (p.Mean.Count != 3 || p.Mean.Any(v => !(v is >= 0 and <= 1)))
        {
            yield return $"model.json: preprocessing.mean must have 3 values from 0 to 1 (has {string.Join(", ", p.Mean.Select(v => v.ToString(CultureInfo.InvariantCulture)))}).";
        }

        if (p.Std.Count != 3 || p.Std.Any(s => !(s > 0 && double.IsFinite(s))))
        {
            yield return "model.json: preprocessing.std must have 3 positive values.";
        }

        // The range EdgeRuntime:Tiling and --target-mpp take: a package cannot ask for a grid the configuration may not.
        if (!(m.Tiling.TargetMicronsPerPixel is >= TileLimits.MinimumMicronsPerPixel and <= TileLimits.MaximumMicronsPerPixel))
        {
            yield return $"model.json: tiling.targetMicronsPerPixel must be between {TileLimits.MinimumMicronsPerPixel.ToString(CultureInfo.InvariantCulture)} and {TileLimits.MaximumMicronsPerPixel.ToString(CultureInfo.InvariantCulture)} µm/px (is {m.Tiling.TargetMicronsPerPixel.ToString(CultureInfo.InvariantCulture)}).";
        }

        if (m.Tiling.TileSize is < TileLimits.MinimumSide or > TileLimits.MaximumSide)
        {
            yield return $"model.json: tiling.tileSize must be between {TileLimits.MinimumSide} and {TileLimits.MaximumSide} pixels (is {m.Tiling.TileSize}).";
        }

        var listed = new List<(string Key, string? File)> { ("imageEncoder.file", m.ImageEncoder.File) };
        if (m.TextEncoder is not null)
        {
            listed.Add(("textEncoder.file", m.TextEncoder.File));
        }

        if (m.Tokenizer is not null)
        {
            listed.AddRange(TokenizerRules.Files(m.Tokenizer).Select(f => (f.Key, (string?)f.File)));
        }

        foreach (var (key, file) in listed)
        {
            if (file is not null && !m.Files.ContainsKey(file))
            {
                yield return $"model.json: {key} '{file}' has no SHA-256 in 'files'.";
            }
        }
    }
}
