namespace EdgeRuntime.Plugins.Control;

/// <summary>What a change's prototype sets must pass before anything loads: real folders in the root, the allow-list, task names that exist.</summary>
internal static class PrototypeSetChecks
{
    /// <summary>Each set's folder resolves inside the plugins root (a link that leads elsewhere is refused, never loaded).</summary>
    /// <exception cref="InvalidDataException">A set's folder is not a plain folder in the root; the message names it.</exception>
    public static void CheckFolders(ActivePlugins wanted, string root)
    {
        foreach (var set in Sets(wanted))
        {
            set.CheckedDirectory(root);
        }
    }

    /// <summary>Each set's file is on the allow-list, when there is one.</summary>
    public static void CheckAllowed(ActivePlugins wanted, PluginOptions options)
    {
        foreach (var set in Sets(wanted))
        {
            PluginAllowList.Check(options, set.DefiningFile(options.Root));
        }
    }

    /// <summary>
    /// A prototype set newly bound to a task name that no active task has would silently serve nothing (a typo, say):
    /// refused with the names there are. Bindings already in place in <paramref name="before"/> are left alone, so
    /// that stopping a task is never refused because a prototype set still names it.
    /// </summary>
    /// <exception cref="InvalidDataException">A new binding names no active task.</exception>
    public static void CheckTasks(ActivePlugins before, ActivePlugins wanted, IReadOnlyList<string> taskNames)
    {
        var was = before.Prototypes ?? new Dictionary<string, PluginRef>();
        foreach (var (task, set) in wanted.Prototypes ?? new Dictionary<string, PluginRef>())
        {
            if (!taskNames.Contains(task) && !(was.TryGetValue(task, out var bound) && bound == set))
            {
                throw new InvalidDataException($"{set}: no active task is named '{task}' (active: {string.Join(", ", taskNames.DefaultIfEmpty("none"))}).");
            }
        }
    }

    private static IEnumerable<PluginRef> Sets(ActivePlugins wanted) => (wanted.Prototypes ?? new Dictionary<string, PluginRef>()).Values.Distinct();
}
