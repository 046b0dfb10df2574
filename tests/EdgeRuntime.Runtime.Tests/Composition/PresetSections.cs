using EdgeRuntime.Foundation;

namespace EdgeRuntime.Runtime.Tests.Composition;

/// <summary>Sections as a test sets them: the options given, else defaults; every section asked for and every problem refused, kept.</summary>
internal sealed class PresetSections(params (string Section, object Options)[] presets) : IConfigurationSections
{
    private readonly Dictionary<string, object> bound = presets.ToDictionary(p => p.Section, p => p.Options, StringComparer.Ordinal);

    public List<string> Asked { get; } = [];

    public List<string> Refused { get; } = [];

    public T Bind<T>(string section)
        where T : class, new()
    {
        Asked.Add(section);
        if (!bound.TryGetValue(section, out var options))
        {
            bound[section] = options = new T();
        }

        return (T)options;
    }

    public void Refuse(IEnumerable<string> problems) => Refused.AddRange(problems);
}
