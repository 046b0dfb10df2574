using EdgeRuntime.Abstractions.Tasks;

namespace EdgeRuntime.Engine.Running;

/// <summary>A task and the exact plugin version it came from, for the result's provenance.</summary>
/// <param name="Task">The task.</param>
/// <param name="Plugin">Plugin id (its folder under <c>tasks/</c>).</param>
/// <param name="Version">Plugin version.</param>
/// <param name="Sha256">Digest of the plugin's folder (every file, dependencies included; see the plugins docs).</param>
public sealed record SlideTaskEntry(ISlideTask Task, string Plugin, string Version, string Sha256);
