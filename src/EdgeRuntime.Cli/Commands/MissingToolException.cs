namespace EdgeRuntime.Cli.Commands;

/// <summary>A tool a command runs is not installed; the message says which and how to install it.</summary>
internal sealed class MissingToolException(string message) : Exception(message);
