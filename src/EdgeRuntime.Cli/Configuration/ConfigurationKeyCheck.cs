using System.Collections;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace EdgeRuntime.Cli.Configuration;

/// <summary>
/// Refuses every key under <c>EdgeRuntime</c> that no options class binds, and every value that does not convert to
/// its setting's type, whichever source set it (the files, environment variables): the merged configuration is
/// walked against the shapes of the options classes, so a misspelt section (<c>Mqt</c>, which would otherwise leave
/// the embedded broker running in place of the hospital's) cannot pass unseen. Each error names the key's full path,
/// where it was set, and the nearest valid name.
/// </summary>
internal static class ConfigurationKeyCheck
{
    public const string Root = "EdgeRuntime";

    /// <summary>Every problem, each in one sentence; empty when the configuration has the options' shape.</summary>
    /// <param name="configuration">The merged configuration.</param>
    /// <param name="sections">Each section's full path (<c>EdgeRuntime:Tiling</c>) and the options type bound from it.</param>
    public static IReadOnlyList<string> Errors(IConfigurationRoot configuration, IReadOnlyList<(string Section, Type Type)> sections)
    {
        var errors = new List<string>();
        foreach (var provider in configuration.Providers.Where(p => ConfigurationSources.FileOf(p) is not null))
        {
            // A file's other top-level keys would be ignored entirely: a misspelt "EdgeRuntme" is a whole file lost.
            foreach (var key in provider.GetChildKeys([], null).Distinct(StringComparer.OrdinalIgnoreCase).Where(k => !k.Equals(Root, StringComparison.OrdinalIgnoreCase)))
            {
                errors.Add(Sentence($"{ConfigurationSources.FileOf(provider)}: '{key}' is not a configuration section; every setting is under '{Root}'{Suggestion(key, [Root])}"));
            }
        }

        var known = sections.ToDictionary(s => s.Section[(Root.Length + 1)..], s => s.Type, StringComparer.OrdinalIgnoreCase);
        foreach (var child in configuration.GetSection(Root).GetChildren())
        {
            if (known.TryGetValue(child.Key, out var type))
            {
                Walk(configuration, child, type, errors);
            }
            else
            {
                errors.Add(Unknown(configuration, child, "section", known.Keys));
            }
        }

        return errors;
    }

    private static void Walk(IConfigurationRoot configuration, IConfigurationSection section, Type type, List<string> errors)
    {
        var children = section.GetChildren().ToList();
        if (IsScalar(type))
        {
            if (children.Count > 0)
            {
                errors.Add($"{ConfigurationSources.Describe(configuration, children[0])}: {section.Path} is one value ({ValueWords.For(type)}), not a section: '{children[0].Key}' does not belong under it.");
            }
            else if (section.Value is { } value && !(value.Length == 0 && IsNullable(type)) && !ValueWords.Converts(value, type))
            {
                errors.Add($"{ConfigurationSources.Describe(configuration, section)}: {section.Path} must be {ValueWords.For(type)} (is '{value}').");
            }

            return;
        }

        // Checked even where another source gave it items: a list set as one value in a later file is otherwise lost.
        if (section.Value is { Length: > 0 })
        {
            var what = ElementOf(type) is not null ? $"a list: give its items as {section.Path}:0, {section.Path}:1, ..." : "a section of settings, not one value";
            errors.Add($"{ConfigurationSources.Describe(configuration, section)}: {section.Path} is {what}.");
            return;
        }

        if (DictionaryValueOf(type) is { } valueType)
        {
            children.ForEach(c => Walk(configuration, c, valueType, errors));
        }
        else if (ElementOf(type) is { } element)
        {
            foreach (var child in children)
            {
                if (int.TryParse(child.Key, out _))
                {
                    Walk(configuration, child, element, errors);
                }
                else
                {
                    errors.Add($"{ConfigurationSources.Describe(configuration, child)}: {section.Path} is a list: '{child.Key}' is not an item number (0, 1, ...).");
                }
            }
        }
        else
        {
            var properties = Settable(type).ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
            foreach (var child in children)
            {
                if (properties.TryGetValue(child.Key, out var property))
                {
                    Walk(configuration, child, property.PropertyType, errors);
                }
                else
                {
                    errors.Add(Unknown(configuration, child, IsLeaf(child) ? "setting" : "section", properties.Keys));
                }
            }
        }
    }

    private static string Unknown(IConfigurationRoot configuration, IConfigurationSection child, string what, IEnumerable<string> valid)
    {
        var parent = child.Path[..child.Path.LastIndexOf(':')];
        return Sentence($"{ConfigurationSources.Describe(configuration, child)}: {child.Path} is not a known {what} of {parent}{Suggestion(child.Key, valid)}");
    }

    // A suggestion ends in a question mark, which ends the sentence too.
    private static string Sentence(string text) => text.EndsWith('?') ? text : text + ".";

    private static string Suggestion(string key, IEnumerable<string> valid)
    {
        var names = valid.Order(StringComparer.Ordinal).ToList();
        return NearestName.Of(key, names) is { } nearest ? $"; did you mean '{nearest}'?" : $"; it has {string.Join(", ", names)}";
    }

    private static bool IsLeaf(IConfigurationSection section) => !section.GetChildren().Any();

    // What the configuration binder fills: properties with a public setter, and get-only ones holding an object or a
    // mutable collection it fills in place. Computed get-only values (Embedded, DonePath) are not settings.
    private static IEnumerable<PropertyInfo> Settable(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0
            && (p.SetMethod is { IsPublic: true } || (!IsScalar(p.PropertyType) && !IsReadOnlyCollection(p.PropertyType))));

    private static bool IsScalar(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal) || t == typeof(TimeSpan) || t == typeof(DateTimeOffset) || t == typeof(DateTime) || t == typeof(Uri);
    }

    private static bool IsNullable(Type type) => !type.IsValueType || Nullable.GetUnderlyingType(type) is not null;

    private static bool IsReadOnlyCollection(Type type) =>
        type.IsInterface && type.IsGenericType && type.GetGenericTypeDefinition() is var d
        && (d == typeof(IReadOnlyList<>) || d == typeof(IReadOnlyCollection<>) || d == typeof(IEnumerable<>) || d == typeof(IReadOnlyDictionary<,>));

    private static Type? DictionaryValueOf(Type type) =>
        Interfaces(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>))?.GetGenericArguments()[1];

    private static Type? ElementOf(Type type) =>
        type.IsArray ? type.GetElementType()
        : type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type) && DictionaryValueOf(type) is null
            ? Interfaces(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0]
            : null;

    private static Type[] Interfaces(Type type) => type.IsInterface ? [type, .. type.GetInterfaces()] : type.GetInterfaces();
}
