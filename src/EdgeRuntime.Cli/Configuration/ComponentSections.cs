using System.Text.RegularExpressions;
using EdgeRuntime.Foundation;
using Microsoft.Extensions.Configuration;

namespace EdgeRuntime.Cli.Configuration;

/// <summary>
/// The merged configuration as components bind it: each component's <c>AddX</c> binds its own section here (once,
/// its relative paths made full by <see cref="SettingPaths"/>) and refuses what it finds wrong; <see cref="ThrowIfInvalid"/>
/// then reports, in one start-up error, the configuration's shape (keys no component binds, values that do not convert)
/// or else every problem every component found, each with its configuration path.
/// </summary>
internal sealed partial class ComponentSections(IConfigurationRoot configuration, string dataRoot) : IConfigurationSections
{
    private readonly Dictionary<string, object> bound = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> problems = [];
    private readonly List<string> unreadable = [];

    /// <summary>The sections bound so far, with the options type each is bound into.</summary>
    public IReadOnlyList<(string Section, Type Type)> Sections => [.. bound.Select(b => (b.Key, b.Value.GetType()))];

    public T Bind<T>(string section)
        where T : class, new()
    {
        if (bound.TryGetValue(section, out var existing))
        {
            // Two components reading one section share one options type; anything else is a composition mistake.
            return existing as T ?? throw new InvalidOperationException($"{section} is bound as {existing.GetType().Name}, not {typeof(T).Name}.");
        }

        var options = new T();
        bound[section] = options;
        try
        {
            configuration.GetSection(section).Bind(options, o => o.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException e)
        {
            // The key check reports unknown keys and unconvertible values in words; should the binder still refuse
            // something, name the key it names, not the .NET type it wanted.
            var key = BinderKey().Match(e.Message) is { Success: true } m ? m.Groups[1].Value : section;
            unreadable.Add($"{key}: the value cannot be read as this setting.");
        }

        SettingPaths.Resolve(options, dataRoot, this);
        return options;
    }

    public void Refuse(IEnumerable<string> found)
    {
        ArgumentNullException.ThrowIfNull(found);
        problems.AddRange(found);
    }

    /// <summary>Throws every problem kept since the last call, if there are any, and starts afresh.</summary>
    /// <exception cref="SettingsException">The configuration has a key or value no component reads, or a component refused a value.</exception>
    public void ThrowIfInvalid()
    {
        // The shape first, alone: a value that did not bind leaves its options at defaults, whose checks would mislead.
        var shape = ConfigurationKeyCheck.Errors(configuration, Sections);
        var found = problems.Distinct(StringComparer.Ordinal).ToList();
        problems.Clear();
        if (shape.Count > 0)
        {
            throw new SettingsException(shape);
        }

        if (unreadable.Count > 0)
        {
            throw new SettingsException([.. unreadable]);
        }

        if (found.Count > 0)
        {
            throw new SettingsException(found);
        }
    }

    [GeneratedRegex("at '([^']+)'")]
    private static partial Regex BinderKey();
}
