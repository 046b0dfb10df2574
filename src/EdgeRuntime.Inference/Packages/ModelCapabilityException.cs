namespace EdgeRuntime.Inference.Packages;

/// <summary>The active model cannot serve what was asked of it (a text task of a vision-only model); the message says why.</summary>
public sealed class ModelCapabilityException(string message) : InvalidOperationException(message);
