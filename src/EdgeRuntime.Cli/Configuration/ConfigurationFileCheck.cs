namespace EdgeRuntime.Cli.Configuration;

/// <summary>
/// What a <c>--config</c> path must be before the JSON reader opens it (<see cref="InputFileCheck"/>): the reader
/// would otherwise read a link to <c>/dev/zero</c> or a huge file until memory runs out, and wait for ever on a named
/// pipe with no writer; and it called a folder "not found". Refused as configuration (exit 2).
/// </summary>
internal static class ConfigurationFileCheck
{
    /// <summary>Far above any real site file (the shipped appsettings.json, every key commented, is 15 KB).</summary>
    public const long MaxBytes = 1 << 20;

    /// <summary>Refuses <paramref name="fullPath"/> unless it is a regular file of at most <see cref="MaxBytes"/>.</summary>
    /// <exception cref="SettingsException">Naming the file and what it is instead.</exception>
    public static void Require(string fullPath)
    {
        if (InputFileCheck.Problem(fullPath, "a configuration file", MaxBytes) is { } why)
        {
            throw new SettingsException([$"{fullPath}: {why}"]);
        }
    }
}
