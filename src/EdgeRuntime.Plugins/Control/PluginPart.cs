namespace EdgeRuntime.Plugins.Control;

/// <summary>One part of a change that activates several plugin versions at once.</summary>
/// <param name="Plugin">The version to activate.</param>
/// <param name="Tasks">A prototype set: the tasks that score against it; null for the tasks its other versions serve now.</param>
public sealed record PluginPart(PluginRef Plugin, IReadOnlyList<string>? Tasks = null)
{
    /// <summary>The version that stops a task or prototype set within a change (<c>kind/id/-</c>), as a rollback needs.</summary>
    public const string Stop = "-";

    /// <summary>Whether this part stops its plugin rather than activating a version.</summary>
    public bool Stops => Plugin.Version == Stop;

    /// <summary>
    /// <paramref name="now"/> with every part active: the state the change asks for, verified and swapped as one.
    /// </summary>
    /// <param name="now">What runs.</param>
    /// <param name="parts">The parts, each a different plugin (two versions of one model or task contradict each other).</param>
    /// <param name="configuredTasks">The tasks the configuration runs when the active file names none.</param>
    /// <param name="servedBy">The tasks a prototype set id serves now (for a set given no tasks).</param>
    /// <exception cref="InvalidDataException">Two parts for one slot, or a part <see cref="ActivePlugins.With"/> refuses; the message names the part.</exception>
    public static ActivePlugins Compose(ActivePlugins now, IReadOnlyList<PluginPart> parts, IReadOnlyList<PluginRef> configuredTasks, Func<string, IReadOnlyList<string>> servedBy)
    {
        ArgumentNullException.ThrowIfNull(now);
        ArgumentNullException.ThrowIfNull(parts);
        ArgumentNullException.ThrowIfNull(servedBy);
        var slots = new HashSet<string>(StringComparer.Ordinal);
        var wanted = now;
        foreach (var part in parts)
        {
            var slot = part.Plugin.Kind is PluginRef.Models or PluginRef.Prompts ? part.Plugin.Kind : $"{part.Plugin.Kind}/{part.Plugin.Id}";
            if (!slots.Add(slot))
            {
                throw new InvalidDataException($"{part.Plugin}: the change names {(slot.Contains('/', StringComparison.Ordinal) ? $"two versions of {slot}" : $"two {slot}")}; one change activates one of each.");
            }

            var forTasks = part.Tasks is { Count: > 0 } || part.Plugin.Kind != PluginRef.Prototypes || part.Stops ? part.Tasks : servedBy(part.Plugin.Id);
            try
            {
                wanted = part.Stops ? wanted.Without(part.Plugin.Kind, part.Plugin.Id, configuredTasks) : wanted.With(part.Plugin, configuredTasks, forTasks);
            }
            catch (InvalidDataException e) when (!e.Message.StartsWith(part.Plugin.ToString(), StringComparison.Ordinal))
            {
                throw new InvalidDataException($"{part.Plugin}: {e.Message}", e);
            }
        }

        return wanted;
    }
}
