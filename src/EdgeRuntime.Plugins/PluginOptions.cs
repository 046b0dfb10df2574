namespace EdgeRuntime.Plugins;

/// <summary>Where model and prompt plugins live, and which are active. Bound from <c>EdgeRuntime:Plugins</c>.</summary>
public sealed class PluginOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "EdgeRuntime:Plugins";

    /// <summary>
    /// The plugins root: <c>models/{id}/{version}/model.json</c> and <c>prompts/{id}/{version}/prompts.json</c>
    /// below it. Empty (the default): plugins are not used, and the service runs the configured model and prompt set.
    /// </summary>
    public string Root { get; set; } = string.Empty;

    /// <summary>The file recording the active versions. Default <c>state/active-plugins.json</c>.</summary>
    public string ActiveFile { get; set; } = Path.Combine("state", "active-plugins.json");

    /// <summary>
    /// Task plugin assemblies run on every slide, relative to <see cref="Root"/>, such as
    /// <c>tasks/embedding-summary/1.0.0/EdgeRuntime.Tasks.EmbeddingSummary.dll</c>. Default: none.
    /// </summary>
    public IList<string> Tasks { get; set; } = [];

    /// <summary>
    /// SHA-256 of every plugin allowed to load (model manifests, prompt set files, task assemblies). Empty (the
    /// default): any plugin under the root that passes validation.
    /// </summary>
    public IList<string> AllowedSha256 { get; set; } = [];

    /// <summary>Seconds between checks of the active file, besides file-system events. Default 2.</summary>
    public double CheckIntervalSeconds { get; set; } = 2;

    /// <summary>Whether plugins are in use.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(Root);

    /// <summary>Every problem with these options, each with its configuration path.</summary>
    public IEnumerable<string> Validate()
    {
        if (Enabled && !Directory.Exists(Root))
        {
            yield return $"{Section}:{nameof(Root)}: {Path.GetFullPath(Root)} does not exist.";
        }

        if (Tasks.Count > 0 && !Enabled)
        {
            yield return $"{Section}:{nameof(Tasks)} needs {Section}:{nameof(Root)}.";
        }

        for (var i = 0; i < AllowedSha256.Count; i++)
        {
            if (AllowedSha256[i].Length != 64 || !AllowedSha256[i].All(char.IsAsciiHexDigit))
            {
                yield return $"{Section}:{nameof(AllowedSha256)}:{i} '{AllowedSha256[i]}' is not a SHA-256 (64 hex digits).";
            }
        }

        if (string.IsNullOrWhiteSpace(ActiveFile))
        {
            yield return $"{Section}:{nameof(ActiveFile)} must name a file.";
        }

        if (!(CheckIntervalSeconds > 0))
        {
            yield return $"{Section}:{nameof(CheckIntervalSeconds)} must be positive (is {CheckIntervalSeconds}).";
        }
    }
}
