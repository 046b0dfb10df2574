namespace EdgeRuntime.Cli.Configuration;

/// <summary>The configuration is invalid. Each error names its configuration key.</summary>
internal sealed class SettingsException(IReadOnlyList<string> errors)
    : Exception("Invalid configuration:" + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => "  " + e)))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
