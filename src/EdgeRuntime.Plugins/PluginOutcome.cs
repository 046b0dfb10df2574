namespace EdgeRuntime.Plugins;

/// <summary>What came of a change to the active plugins.</summary>
/// <param name="Accepted">Whether the change is in effect.</param>
/// <param name="Reason">Why it was refused (null when accepted).</param>
/// <param name="Active">The plugins active after the attempt: the new ones, or the unchanged ones.</param>
internal sealed record PluginOutcome(bool Accepted, string? Reason, ActivePlugins Active);
