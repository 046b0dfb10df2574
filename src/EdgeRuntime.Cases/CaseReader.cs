using System.Text.RegularExpressions;
using EdgeRuntime.Cases.Sources;
using EdgeRuntime.Slides.Reading;
using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Cases;

/// <summary>
/// Reads which case a slide belongs to from the configured sources, in order (docs/lis.md): for each identifier
/// the first source that gives it wins; a different value from a later source is kept as a conflict. A slide with
/// no identifier is processed all the same, and its result says so.
/// </summary>
public sealed class CaseReader
{
    private readonly IReadOnlyList<ICaseSource> sources;
    private readonly ILogger logger;

    /// <summary>Builds the configured sources.</summary>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem with its key.</exception>
    public CaseReader(CaseOptions options, ILogger<CaseReader> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        Foundation.OptionsValidation.ThrowIfInvalid(options.Validate(), nameof(options));
        this.logger = logger;
        sources = [.. options.EffectiveSources.Select<string, ICaseSource>(name => name switch
        {
            CaseSources.FileName => new FileNameSource(Pattern(options.FileNamePattern)),
            CaseSources.Sidecar => new SidecarSource(options.SidecarMaxBytes),
            CaseSources.Properties => new PropertySource(options.Properties),
            _ => new LabelBarcodeSource(new LabelBarcodeDecoder(options.EffectiveBarcodeFormats), options.LabelImage, options.MaxLabelPixels, Pattern(options.BarcodePattern)),
        })];
    }

    /// <summary>The case of the slide at <paramref name="path"/>, opened as <paramref name="slide"/>.</summary>
    public SlideCase Read(string path, ISlide slide)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(slide);
        var taken = new Dictionary<string, CaseIdentifier>(StringComparer.Ordinal);
        var conflicts = new List<CaseIdentifier>();
        var problems = new List<string>();
        foreach (var source in sources)
        {
            foreach (var identifier in source.Read(path, slide, problems))
            {
                if (!taken.TryGetValue(identifier.Name, out var first))
                {
                    taken[identifier.Name] = identifier;
                }
                else if (first.Value != identifier.Value)
                {
                    conflicts.Add(identifier);
                }
            }
        }

        var result = new SlideCase(
            [.. CaseIdentifierNames.All.Where(taken.ContainsKey).Select(n => taken[n])],
            conflicts,
            [.. sources.Select(s => s.Name)],
            problems);
        foreach (var problem in problems)
        {
            CasesLog.Problem(logger, Path.GetFileName(path), problem);
        }

        if (!result.Found && sources.Count > 0)
        {
            CasesLog.NoneFound(logger, Path.GetFileName(path), string.Join(", ", result.SourcesTried));
        }

        return result;
    }

    private static Regex? Pattern(string? pattern) =>
        string.IsNullOrEmpty(pattern) ? null : new Regex(pattern, RegexOptions.CultureInvariant, CaseOptions.PatternTimeout);
}
