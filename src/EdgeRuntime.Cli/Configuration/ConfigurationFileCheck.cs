using EdgeRuntime.Foundation.Files;

namespace EdgeRuntime.Cli.Configuration;

/// <summary>
/// What a <c>--config</c> path must be before the JSON reader opens it: a regular file (itself or at the end of its
/// links) of a configuration file's size. The reader would otherwise read a link to <c>/dev/zero</c> or a huge file
/// until memory runs out, and wait for ever on a named pipe with no writer; and it calls a folder "not found".
/// </summary>
internal static class ConfigurationFileCheck
{
    /// <summary>Far above any real site file (the shipped appsettings.json, every key commented, is 15 KB).</summary>
    public const long MaxBytes = 1 << 20;

    /// <summary>Refuses <paramref name="fullPath"/> unless it is a regular file of at most <see cref="MaxBytes"/>.</summary>
    /// <exception cref="SettingsException">Naming the file and what it is instead.</exception>
    public static void Require(string fullPath)
    {
        var node = FileNode.Of(fullPath);
        var through = string.Empty;
        if (node.Kind == FileNodeKind.SymbolicLink)
        {
            string? target;
            try
            {
                target = File.ResolveLinkTarget(fullPath, returnFinalTarget: true)?.FullName;
            }
            catch (IOException)
            {
                throw Refused(fullPath, "a link that leads round in a loop, not a configuration file.");
            }

            if (target is null || FileNode.Of(target) is { Kind: FileNodeKind.Missing })
            {
                throw Refused(fullPath, $"a link to {target ?? "nothing"}, which does not exist.");
            }

            node = FileNode.Of(target);
            through = $"a link to {target}, ";
        }

        switch (node.Kind)
        {
            case FileNodeKind.Missing:
                throw Refused(fullPath, "configuration file not found.");
            case FileNodeKind.Regular when node.Size > MaxBytes:
                throw Refused(fullPath, $"{through}{node.Size:N0} bytes; a configuration file is JSON of at most {MaxBytes:N0} bytes.");
            case FileNodeKind.Regular:
                return;
            default:
                throw Refused(fullPath, $"{through}{FileNode.Describe(node.Kind)}, not a configuration file.");
        }
    }

    private static SettingsException Refused(string path, string why) => new([$"{path}: {why}"]);
}
