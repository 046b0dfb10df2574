using System.Globalization;

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

        if (m.EmbeddingSize <= 0)
        {
            yield return $"model.json: embeddingSize must be positive (is {m.EmbeddingSize}).";
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
        if (p.InputSize <= 0)
        {
            yield return $"model.json: preprocessing.inputSize must be positive (is {p.InputSize}).";
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

        if (p.ChannelOrder is not ("RGB" or "BGR"))
        {
            yield return $"model.json: preprocessing.channelOrder '{p.ChannelOrder}' must be 'RGB' or 'BGR'.";
        }

        if (p.Mean.Count != 3)
        {
            yield return $"model.json: preprocessing.mean must have 3 values (has {p.Mean.Count}).";
        }

        if (p.Std.Count != 3 || p.Std.Any(s => !(s > 0)))
        {
            yield return "model.json: preprocessing.std must have 3 positive values.";
        }

        if (!(m.Tiling.TargetMicronsPerPixel > 0))
        {
            yield return $"model.json: tiling.targetMicronsPerPixel must be positive (is {m.Tiling.TargetMicronsPerPixel.ToString(CultureInfo.InvariantCulture)}).";
        }

        if (m.Tiling.TileSize <= 0)
        {
            yield return $"model.json: tiling.tileSize must be positive (is {m.Tiling.TileSize}).";
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
