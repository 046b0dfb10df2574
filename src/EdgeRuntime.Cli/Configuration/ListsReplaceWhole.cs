using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;

namespace EdgeRuntime.Cli.Configuration;

/// <summary>
/// A list a later layer sets replaces the earlier layers' list whole. .NET merges configuration lists item by item,
/// so a site file's <c>"Sources": ["sidecar", "file-name"]</c> over the shipped four gave
/// <c>sidecar, file-name, properties, file-name</c>: a site could never configure a shorter list than we ship, and an
/// empty list (<c>[]</c>) changed nothing. Each JSON layer is loaded again without the items of lists that a later
/// layer (a file or an environment variable such as <c>EdgeRuntime__Cases__Sources__0</c>) sets.
/// </summary>
internal static class ListsReplaceWhole
{
    /// <summary>Builds <paramref name="layers"/> with each list taken whole from the last layer that sets it.</summary>
    /// <exception cref="InvalidDataException">A JSON file is malformed.</exception>
    public static IConfigurationRoot Build(IConfigurationBuilder layers)
    {
        var lists = layers.Build().Providers.Select(Lists).ToList();
        var builder = new ConfigurationBuilder();
        for (var i = 0; i < layers.Sources.Count; i++)
        {
            var replaced = lists.Skip(i + 1).SelectMany(l => l).ToHashSet(StringComparer.OrdinalIgnoreCase);
            builder.Add(layers.Sources[i] is JsonConfigurationSource json && replaced.Count > 0
                ? new TrimmedJsonSource(replaced) { FileProvider = json.FileProvider, Path = json.Path!, Optional = json.Optional }
                : layers.Sources[i]);
        }

        return builder.Build();
    }

    /// <summary>The paths of the lists <paramref name="provider"/> sets: keys with an item index below them, or set empty.</summary>
    private static HashSet<string> Lists(IConfigurationProvider provider)
    {
        var lists = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        Walk(provider, null, lists);
        return lists;
    }

    private static void Walk(IConfigurationProvider provider, string? parent, HashSet<string> lists)
    {
        foreach (var child in provider.GetChildKeys([], parent).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (parent is not null && child.All(char.IsAsciiDigit))
            {
                lists.Add(parent);
            }

            var path = parent is null ? child : parent + ConfigurationPath.KeyDelimiter + child;
            if (provider.TryGet(path, out var value) && string.IsNullOrEmpty(value) && !provider.GetChildKeys([], path).Any())
            {
                // "[]" (read as an empty value): replaces the items of an earlier list; a scalar has no items to drop.
                lists.Add(path);
            }

            Walk(provider, path, lists);
        }
    }

    private sealed class TrimmedJsonSource(HashSet<string> replaced) : JsonConfigurationSource
    {
        public override IConfigurationProvider Build(IConfigurationBuilder builder)
        {
            EnsureDefaults(builder);
            return new TrimmedJsonProvider(this, replaced);
        }
    }

    private sealed class TrimmedJsonProvider(JsonConfigurationSource source, HashSet<string> replaced) : JsonConfigurationProvider(source)
    {
        public override void Load(Stream stream)
        {
            base.Load(stream);
            foreach (var key in Data.Keys.Where(IsListItem).ToList())
            {
                Data.Remove(key);
            }
        }

        private bool IsListItem(string key)
        {
            for (var cut = key.LastIndexOf(':'); cut > 0; cut = key.LastIndexOf(':', cut - 1))
            {
                if (replaced.Contains(key[..cut]) && key[(cut + 1)..].Split(':')[0].All(char.IsAsciiDigit))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
