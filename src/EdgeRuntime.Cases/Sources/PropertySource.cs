using EdgeRuntime.Slides.Reading;

namespace EdgeRuntime.Cases.Sources;

/// <summary>Identifiers from the vendor properties the scanner wrote into the file (EdgeRuntime:Cases:Properties).</summary>
internal sealed class PropertySource(IReadOnlyDictionary<string, string> keysByName) : ICaseSource
{
    public string Name => CaseSources.Properties;

    public IEnumerable<CaseIdentifier> Read(string path, ISlide slide, ICollection<string> problems)
    {
        var properties = slide.Info.Properties;
        foreach (var name in CaseIdentifierNames.All)
        {
            if (!keysByName.TryGetValue(name, out var keys))
            {
                continue;
            }

            foreach (var key in keys.Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                // Scanners write an empty barcode property when they read none.
                if (properties.TryGetValue(key, out var value) && value.Trim().Length > 0)
                {
                    foreach (var identifier in PatternIdentifiers.Checked(name, value, Name, key, problems))
                    {
                        yield return identifier;
                    }

                    break;
                }
            }
        }
    }
}
