namespace EdgeRuntime.Plugins;

/// <summary>A plugin version: its kind (<c>models</c> or <c>prompts</c>), id and version.</summary>
/// <param name="Kind">Folder of its kind under the plugins root.</param>
/// <param name="Id">Plugin id.</param>
/// <param name="Version">Version folder name.</param>
public sealed record PluginRef(string Kind, string Id, string Version)
{
    /// <summary>Models kind.</summary>
    public const string Models = "models";

    /// <summary>Prompt sets kind.</summary>
    public const string Prompts = "prompts";

    /// <summary>The plugin's folder under <paramref name="root"/>.</summary>
    public string Directory(string root) => Path.GetFullPath(Path.Combine(root, Kind, Id, Version));

    /// <summary>The file that defines the plugin: model.json for models, prompts.json for prompt sets.</summary>
    public string DefiningFile(string root) => Path.Combine(Directory(root), Kind == Models ? "model.json" : "prompts.json");

    /// <inheritdoc />
    public override string ToString() => $"{Kind}/{Id}/{Version}";
}
