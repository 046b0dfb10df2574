namespace EdgeRuntime.Validation.Reports;

/// <summary>A report folder written: its Markdown, for the terminal, and a line naming the files, if the method gives one.</summary>
/// <param name="Markdown">report.md's text.</param>
/// <param name="Files">What was written where; null: nothing to say beyond the Markdown.</param>
public sealed record WrittenReport(string Markdown, string? Files);
