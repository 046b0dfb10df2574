namespace EdgeRuntime.Plugins;

/// <summary>Where model, prompt and task plugins live, which run, and how new versions are picked up. Bound from <c>EdgeRuntime:Plugins</c>.</summary>
public sealed class PluginOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "EdgeRuntime:Plugins";

    /// <summary>
    /// The plugins root: <c>models/{id}/{version}/model.json</c>, <c>prompts/{id}/{version}/prompts.json</c> and
    /// <c>tasks/{id}/{version}/</c> (a published .NET assembly) below it. Empty (the default): plugins are not used, and the service runs the configured model and prompt set.
    /// </summary>
    public string Root { get; set; } = string.Empty;

    /// <summary>The file recording the active versions. Default <c>state/active-plugins.json</c>.</summary>
    public string ActiveFile { get; set; } = Path.Combine("state", "active-plugins.json");

    /// <summary>
    /// Task plugins run on every slide until an admin changes them: <c>id/version</c> of folders under
    /// <c>{Root}/tasks/</c>, separated by commas, such as <c>zero-shot-tagging/1.0.0, features/1.0.0</c>; empty for
    /// none. One string rather than a JSON array, because a later configuration file replaces a string whole, while
    /// arrays merge element by element (a site file could never remove a default task). Default: none here;
    /// appsettings.json names the built-in tagging, segmentation and retrieval index.
    /// </summary>
    public string Tasks { get; set; } = string.Empty;

    /// <summary>
    /// Watch the plugins root for new versions. A version folder is complete once no file in it has a temporary
    /// name and its files have not changed for <see cref="QuietPeriodSeconds"/> (the inbox's rule); only then is it
    /// looked at. Default true.
    /// </summary>
    public bool WatchRoot { get; set; } = true;

    /// <summary>
    /// When a complete new version of an active plugin appears (a higher version of the same id), verify it and
    /// activate it, as <c>edgert plugins activate</c> would. False: announce it only, and wait for an admin.
    /// Default true. Sites that validate every model before use set false, or list hashes in <see cref="AllowedSha256"/>.
    /// </summary>
    public bool ActivateNewVersions { get; set; } = true;

    /// <summary>Seconds a new plugin version must stay unchanged before it is looked at. Default 5.</summary>
    public double QuietPeriodSeconds { get; set; } = 5;

    /// <summary>The configured tasks, parsed.</summary>
    public IReadOnlyList<PluginRef> ConfiguredTasks => TaskEntries.Select(t => PluginRef.Parse(t, PluginRef.Tasks)).ToList();

    private string[] TaskEntries => Tasks.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>
    /// The <see cref="PluginHash"/> of every plugin allowed to load (a model's manifest, a prompt set's file, a task's
    /// folder digest; <c>edgert plugins list --hashes</c> prints them). Empty (the default): any plugin under the root
    /// that passes validation.
    /// </summary>
    public IList<string> AllowedSha256 { get; set; } = [];

    /// <summary>Seconds between checks of the active file, besides file-system events. Default 2.</summary>
    public double CheckIntervalSeconds { get; set; } = 2;

    /// <summary>
    /// Seconds a task plugin may take to load in the verification child process (<c>edgert</c> started apart, so
    /// that a plugin that crashes, hangs or eats memory cannot take the service with it) before it is killed and
    /// refused. Default 60.
    /// </summary>
    public double VerifyTimeoutSeconds { get; set; } = 60;

    /// <summary>
    /// MiB of memory the verification child process may use (its managed heap, and its data segment over what the
    /// runtime needs to start) before a plugin that allocates without bound is refused. Default 1024.
    /// </summary>
    public int VerifyMemoryMiB { get; set; } = 1024;

    /// <summary>
    /// Seconds a model package may take, in its verification child process, to open its ONNX sessions and run one
    /// tiny inference on each before it is killed and refused. A package is verified once per content (the verdict
    /// is kept by its manifest's digest). Default 300: a large graph on CPU takes tens of seconds to optimise.
    /// </summary>
    public double VerifyModelTimeoutSeconds { get; set; } = 300;

    /// <summary>
    /// MiB of memory a model package's verification child may use (its data segment over what the runtime needs,
    /// and its managed heap): what opening both graphs and one inference of each needs, with room. Default 8192.
    /// </summary>
    public int VerifyModelMemoryMiB { get; set; } = 8192;

    /// <summary>The folder of the active file: the private plugin snapshots, change requests and the service's lock live there.</summary>
    public string StateDirectory => Path.GetDirectoryName(Path.GetFullPath(ActiveFile))!;

    /// <summary>Whether plugins are in use.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(Root);

    /// <summary>Every problem with these options, each with its configuration path.</summary>
    public IEnumerable<string> Validate()
    {
        if (Enabled && !Directory.Exists(Root))
        {
            yield return $"{Section}:{nameof(Root)}: {Path.GetFullPath(Root)} does not exist.";
        }

        if (TaskEntries.Length > 0 && !Enabled)
        {
            yield return $"{Section}:{nameof(Tasks)} needs {Section}:{nameof(Root)}.";
        }

        foreach (var entry in TaskEntries)
        {
            string? problem = null;
            try
            {
                var task = PluginRef.Parse(entry, PluginRef.Tasks);
                problem = task.Kind != PluginRef.Tasks ? $"{task} is not a task plugin" : null;
            }
            catch (FormatException e)
            {
                problem = e.Message;
            }

            if (problem is not null)
            {
                yield return $"{Section}:{nameof(Tasks)}: {problem}";
            }
        }

        if (QuietPeriodSeconds < 0)
        {
            yield return $"{Section}:{nameof(QuietPeriodSeconds)} must not be negative (is {QuietPeriodSeconds}).";
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

        if (!(VerifyTimeoutSeconds > 0))
        {
            yield return $"{Section}:{nameof(VerifyTimeoutSeconds)} must be positive (is {VerifyTimeoutSeconds}).";
        }

        if (VerifyMemoryMiB < 64)
        {
            yield return $"{Section}:{nameof(VerifyMemoryMiB)} must be at least 64 (is {VerifyMemoryMiB}).";
        }

        if (!(VerifyModelTimeoutSeconds > 0))
        {
            yield return $"{Section}:{nameof(VerifyModelTimeoutSeconds)} must be positive (is {VerifyModelTimeoutSeconds}).";
        }

        if (VerifyModelMemoryMiB < 256)
        {
            yield return $"{Section}:{nameof(VerifyModelMemoryMiB)} must be at least 256 (is {VerifyModelMemoryMiB}).";
        }

        if (!(CheckIntervalSeconds > 0))
        {
            yield return $"{Section}:{nameof(CheckIntervalSeconds)} must be positive (is {CheckIntervalSeconds}).";
        }
    }
}
