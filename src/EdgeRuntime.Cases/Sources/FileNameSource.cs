using System.Text.RegularExpressions;
using EdgeRuntime.Slides.Reading;

namespace EdgeRuntime.Cases.Sources;

/// <summary>Identifiers from the slide's file name, through EdgeRuntime:Cases:FileNamePattern.</summary>
internal sealed class FileNameSource(Regex? pattern) : ICaseSource
{
    public string Name => CaseSources.FileName;

    public IEnumerable<CaseIdentifier> Read(string path, ISlide slide, ICollection<string> problems)
    {
        var name = Path.GetFileName(path);
        return pattern is null ? [] : PatternIdentifiers.Of(pattern, name, Name, name, $"the file name '{name}'", problems);
    }
}
