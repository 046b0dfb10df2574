using System.Text.Json.Nodes;

namespace EdgeRuntime.Engine.Running;

/// <summary>What one task made of one slide: its output, why it failed, or why it did not run.</summary>
/// <param name="Task">The task's name (its key in the result document).</param>
/// <param name="Output">What the task's run completed with; null when it failed or was skipped.</param>
/// <param name="Error">Why it failed; null when it succeeded or was skipped.</param>
public sealed record TaskOutcome(string Task, JsonObject? Output, string? Error)
{
    /// <summary>Why the task was not run on the slide (no tissue, not brightfield); null when it ran.</summary>
    public string? SkippedReason { get; init; }

    /// <summary>Whether the task was not run on the slide.</summary>
    public bool Skipped => SkippedReason is not null;

    /// <summary>Whether the task completed.</summary>
    public bool Succeeded => Error is null && !Skipped;

    /// <summary>Whether the task ran and failed.</summary>
    public bool Failed => Error is not null;
}
