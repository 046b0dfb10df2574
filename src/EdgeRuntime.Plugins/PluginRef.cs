namespace EdgeRuntime.Plugins;

/// <summary>A plugin version: its kind (<c>models</c>, <c>prompts</c>, <c>prototypes</c>, <c>heads</c> or <c>tasks</c>), id and version.</summary>
/// <param name="Kind">Folder of its kind under the plugins root.</param>
/// <param name="Id">Plugin id.</param>
/// <param name="Version">Version folder name.</param>
public sealed record PluginRef(string Kind, string Id, string Version)
{
    /// <summary>Models kind.</summary>
    public const string Models = "models";

    /// <summary>Prompt sets kind.</summary>
    public const string Prompts = "prompts";

    /// <summary>Few-shot prototype sets kind (written by <c>edgert prototypes build</c>), which a task scores against in place of a prompt set.</summary>
    public const string Prototypes = "prototypes";

    /// <summary>Cell heads kind (docs/cells.md): a decoder on one model's dense tokens, run by the <c>cells</c> task.</summary>
    public const string Heads = "heads";

    /// <summary>Task plugins kind.</summary>
    public const string Tasks = "tasks";

    /// <summary>The five kinds.</summary>
    public static IReadOnlyList<string> Kinds { get; } = [Models, Prompts, Prototypes, Heads, Tasks];

    /// <summary>The plugin's folder under <paramref name="root"/>.</summary>
    /// <exception cref="InvalidDataException">The kind, id or version would lead out of the plugins root (plugins load only from it).</exception>
    public string Directory(string root)
    {
        var fullRoot = Path.GetFullPath(root);
        var directory = Path.GetFullPath(Path.Combine(fullRoot, Kind, Id, Version));
        if (!Kinds.Contains(Kind) || !IsFolderName(Id) || !IsFolderName(Version)
            || !directory.StartsWith(Path.TrimEndingDirectorySeparator(fullRoot) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{Kind}/{Id}/{Version}: not a plugin under {fullRoot}; plugins load only from the plugins root.");
        }

        return directory;
    }

    /// <summary>
    /// The plugin's folder, once it and everything in it are known to really lie inside <paramref name="root"/>:
    /// what loading uses, so that a link placed in the root never brings in files from elsewhere.
    /// </summary>
    /// <exception cref="InvalidDataException">As <see cref="Directory"/>, or a link in it leads out of the root.</exception>
    public string CheckedDirectory(string root)
    {
        var directory = Directory(root);
        if (System.IO.Directory.Exists(directory))
        {
            PluginRealPath.CheckTreeInside(root, directory);
        }

        return directory;
    }

    /// <summary>
    /// The file that defines the plugin and whose hash the allow-list holds: <c>model.json</c> for a model,
    /// <c>prompts.json</c> for a prompt set, <c>prototypes.json</c> for a prototype set, <c>head.json</c> for a cell head, and for a task the assembly named by the folder's single
    /// <c>*.deps.json</c> (the file <c>dotnet publish</c> writes beside a plugin's main assembly). A path that does
    /// not exist when the folder does not hold a complete plugin.
    /// </summary>
    public string DefiningFile(string root)
    {
        var directory = Directory(root);
        return Kind switch
        {
            Models => Path.Combine(directory, "model.json"),
            Prompts => Path.Combine(directory, "prompts.json"),
            Prototypes => Path.Combine(directory, Inference.Prototypes.PrototypeSetFile.FileName),
            Heads => Path.Combine(directory, Inference.Heads.CellHead.ManifestFile),
            _ => TaskAssembly(directory),
        };
    }

    /// <summary>
    /// The plugin whose folder (or defining file) <paramref name="path"/> is, if it lies under <paramref name="root"/> as
    /// <c>{kind}/{id}/{version}</c>: how a model or prompt set configured by path is recognised as a plugin version.
    /// </summary>
    public static PluginRef? Under(string root, string path)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(path);
        var relative = Path.GetRelativePath(Path.GetFullPath(root), Path.GetFullPath(path)).Split(Path.DirectorySeparatorChar);
        if (relative.Length < 3 || relative[0] == ".." || !Kinds.Contains(relative[0]) || !IsFolderName(relative[1]) || !IsFolderName(relative[2]))
        {
            return null;
        }

        return new PluginRef(relative[0], relative[1], relative[2]);
    }

    /// <summary>Parses <c>kind/id/version</c>, or <c>id/version</c> of <paramref name="defaultKind"/>.</summary>
    /// <exception cref="FormatException">Not of that form; the message says why.</exception>
    public static PluginRef Parse(string text, string? defaultKind = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split('/');
        if (parts.Length == 2 && defaultKind is not null)
        {
            parts = [defaultKind, .. parts];
        }

        if (parts.Length != 3 || !Kinds.Contains(parts[0]) || parts.Skip(1).Any(p => !IsFolderName(p)))
        {
            var expected = defaultKind is null ? "kind/id/version with kind models, prompts, prototypes, heads or tasks" : $"id/version (or {defaultKind}/id/version)";
            throw new FormatException($"'{text}' is not {expected}.");
        }

        return new PluginRef(parts[0], parts[1], parts[2]);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Kind}/{Id}/{Version}";

    /// <summary>Whether <paramref name="part"/> can be an id or a version: a plain folder name, nothing that climbs out of the plugins root.</summary>
    public static bool IsFolderName(string part) =>
        part.Length > 0 && part != "." && part != ".." && part.IndexOfAny(['\\', '/', '\0']) < 0;

    private static string TaskAssembly(string directory)
    {
        var deps = System.IO.Directory.Exists(directory) ? System.IO.Directory.GetFiles(directory, "*.deps.json") : [];
        return deps.Length == 1
            ? Path.Combine(directory, Path.GetFileName(deps[0])[..^".deps.json".Length] + ".dll")
            : Path.Combine(directory, deps.Length == 0 ? "(no .deps.json)" : "(several .deps.json)");
    }
}
