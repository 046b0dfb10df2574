using System.Globalization;
using System.Text.RegularExpressions;
using EdgeRuntime.Slides.Reading;

namespace EdgeRuntime.Tiling.Tissue;

/// <summary>
/// Whether a slide is brightfield (stained tissue on bright glass: H&amp;E, IHC), the only kind the saturation
/// detector and the shipped prompt sets are made for. A fluorescence scan is dark where there is no tissue: most of its
/// thumbnail is dark, where a brightfield slide's glass is bright (even a field full of tissue is mostly light). The
/// vendor's properties are evidence too: an excitation wavelength (Hamamatsu's fluorescence filter cube data) is
/// reported with the background and, alone, decides.
/// </summary>
public static partial class BrightfieldCheck
{
    /// <summary>Long side of the view the background is measured on.</summary>
    internal const int ViewLongSide = 256;

    /// <summary>A pixel whose brightest channel is below this (0–255) is dark background.</summary>
    public const int DarkValue = 60;

    /// <summary>Checks <paramref name="slide"/> against <paramref name="options"/>' dark-background share.</summary>
    public static SlideStain Of(ISlide slide, TissueDetectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(slide);
        ArgumentNullException.ThrowIfNull(options);
        var info = slide.Info;
        var (width, height) = SlideDownsampler.FitLongSide(info.Width, info.Height, ViewLongSide);
        var view = SlideDownsampler.Read(slide, width, height);
        var pixels = view.Span;
        long dark = 0;
        for (var i = 0; i < pixels.Length; i += 3)
        {
            if (Math.Max(pixels[i], Math.Max(pixels[i + 1], pixels[i + 2])) < DarkValue)
            {
                dark++;
            }
        }

        var darkShare = (double)dark / (width * height);
        var evidence = new List<string>();
        var inv = CultureInfo.InvariantCulture;
        if (darkShare >= options.DarkBackgroundShare)
        {
            evidence.Add(string.Create(inv, $"{darkShare:P0} of the slide is dark (brightest channel below {DarkValue}); brightfield glass is bright (EdgeRuntime:Tissue:DarkBackgroundShare {options.DarkBackgroundShare})"));
        }

        foreach (var (key, value) in info.Properties)
        {
            if (Excitation().Match(value) is { Success: true } match && int.Parse(match.Groups[1].Value, inv) > 0)
            {
                evidence.Add($"the scanner recorded an excitation wavelength of {match.Groups[1].Value} nm (property '{Spaces().Replace(key, " ").Trim()}')");
                break;
            }
        }

        return new SlideStain(evidence.Count == 0, darkShare, evidence);
    }

    [GeneratedRegex(@"ExcitationWaveLength=(\d{1,4})", RegexOptions.CultureInvariant)]
    private static partial Regex Excitation();

    // Vendor keys may hold line breaks (Hamamatsu's "NDP Shading Data"); a message shows them as one space.
    [GeneratedRegex(@"\s+", RegexOptions.CultureInvariant)]
    private static partial Regex Spaces();
}

/// <summary>What <see cref="BrightfieldCheck"/> found.</summary>
/// <param name="Brightfield">No sign of a fluorescence (dark-field) scan.</param>
/// <param name="DarkShare">Share of the slide's thumbnail that is dark, 0 to 1.</param>
/// <param name="Evidence">Why it is not brightfield, in words; empty when it is.</param>
public sealed record SlideStain(bool Brightfield, double DarkShare, IReadOnlyList<string> Evidence);
