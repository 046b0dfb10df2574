using System.Text.Json.Nodes;

namespace EdgeRuntime.Pipeline.Running;

/// <summary>What one task made of one slide: its output, or why it failed.</summary>
/// <param name="Task">The task's name (its key in the result document).</param>
/// <param name="Output">What the task's run completed with; null when it failed.</param>
/// <param name="Error">Why it failed; null when it succeeded.</param>
public sealed record TaskOutcome(string Task, JsonObject? Output, string? Error)
{
    /// <summary>Whether the task completed.</summary>
    public bool Succeeded => Error is null;
}
