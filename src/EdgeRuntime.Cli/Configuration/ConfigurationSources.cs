using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.EnvironmentVariables;

namespace EdgeRuntime.Cli.Configuration;

/// <summary>Which source gave a configuration key its value: a file (by full path) or an environment variable.</summary>
internal static class ConfigurationSources
{
    /// <summary>The provider whose value wins for <paramref name="key"/> (the last that has it), or null if none has it.</summary>
    public static IConfigurationProvider? Of(IConfigurationRoot configuration, string key) =>
        configuration.Providers.Reverse().FirstOrDefault(p => p.TryGet(key, out _));

    /// <summary>The full path of the file <paramref name="provider"/> reads, or null when it reads no file.</summary>
    public static string? FileOf(IConfigurationProvider? provider) =>
        provider is FileConfigurationProvider file && file.Source.Path is { } path
            ? file.Source.FileProvider?.GetFileInfo(path).PhysicalPath ?? Path.GetFullPath(path)
            : null;

    /// <summary>
    /// Where <paramref name="section"/> was set, as a person finds it: "the file /etc/site.json" or "the environment
    /// variable EdgeRuntime__Tilng__TileSize". A section is named by the first key below it that has a value.
    /// </summary>
    public static string Describe(IConfigurationRoot configuration, IConfigurationSection section)
    {
        var key = section.Value is not null ? section.Path : section.AsEnumerable().FirstOrDefault(p => p.Value is not null).Key ?? section.Path;
        var provider = Of(configuration, key);
        return provider switch
        {
            EnvironmentVariablesConfigurationProvider => $"environment variable {key.Replace(":", "__", StringComparison.Ordinal)}",
            _ when FileOf(provider) is { } file => file,
            _ => "configuration",
        };
    }
}
