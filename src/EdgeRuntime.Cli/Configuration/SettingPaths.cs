using Microsoft.Extensions.Configuration;

namespace EdgeRuntime.Cli.Configuration;

/// <summary>
/// The one rule for relative paths in settings, so that results never depend on the folder a command was started
/// from. A relative path written in a <c>--config</c> file is from that file's folder. Every other relative path (in
/// appsettings.json beside edgert, in an environment variable, or a default) is from the data root: the
/// <c>--config</c> file's folder, or the working folder when no file is given; except the plugins root, model
/// packages, prompt sets and prototype sets, which ship beside edgert and are from edgert's folder.
/// </summary>
internal static class SettingPaths
{
    // Each path setting: whether it ships with edgert (else it is data the site keeps), and how to read and write it.
    private static readonly (string Key, bool Shipped, Func<EdgertSettings, string?> Get, Action<EdgertSettings, string> Set)[] Scalars =
    [
        ("EdgeRuntime:Models:DefaultPackage", true, s => s.Models.DefaultPackage, (s, v) => s.Models.DefaultPackage = v),
        ("EdgeRuntime:ZeroShot:DefaultPromptSet", true, s => s.ZeroShot.DefaultPromptSet, (s, v) => s.ZeroShot.DefaultPromptSet = v),
        ("EdgeRuntime:Plugins:Root", true, s => s.Plugins.Root, (s, v) => s.Plugins.Root = v),
        ("EdgeRuntime:Processing:ModelPackage", true, s => s.Processing.ModelPackage, (s, v) => s.Processing.ModelPackage = v),
        ("EdgeRuntime:Processing:PromptSet", true, s => s.Processing.PromptSet, (s, v) => s.Processing.PromptSet = v),
        ("EdgeRuntime:ZeroShot:TextEmbeddingCache", false, s => s.ZeroShot.TextEmbeddingCache, (s, v) => s.ZeroShot.TextEmbeddingCache = v),
        ("EdgeRuntime:Inbox:Path", false, s => s.Inbox.Path, (s, v) => s.Inbox.Path = v),
        ("EdgeRuntime:Inbox:DoneFolder", false, s => s.Inbox.DoneFolder, (s, v) => s.Inbox.DoneFolder = v),
        ("EdgeRuntime:Inbox:FailedFolder", false, s => s.Inbox.FailedFolder, (s, v) => s.Inbox.FailedFolder = v),
        ("EdgeRuntime:Journal:DatabasePath", false, s => s.Journal.DatabasePath, (s, v) => s.Journal.DatabasePath = v),
        ("EdgeRuntime:Processing:ResultsDirectory", false, s => s.Processing.ResultsDirectory, (s, v) => s.Processing.ResultsDirectory = v),
        ("EdgeRuntime:Processing:TaskStateDirectory", false, s => s.Processing.TaskStateDirectory, (s, v) => s.Processing.TaskStateDirectory = v),
        ("EdgeRuntime:Plugins:ActiveFile", false, s => s.Plugins.ActiveFile, (s, v) => s.Plugins.ActiveFile = v),
        ("EdgeRuntime:Mqtt:Tls:CaFile", false, s => s.Mqtt.Tls.CaFile, (s, v) => s.Mqtt.Tls.CaFile = v),
        ("EdgeRuntime:Mqtt:Tls:CertificateFile", false, s => s.Mqtt.Tls.CertificateFile, (s, v) => s.Mqtt.Tls.CertificateFile = v),
        ("EdgeRuntime:Mqtt:Tls:KeyFile", false, s => s.Mqtt.Tls.KeyFile, (s, v) => s.Mqtt.Tls.KeyFile = v),
        ("EdgeRuntime:Broker:Tls:CertificateFile", false, s => s.Broker.Tls.CertificateFile, (s, v) => s.Broker.Tls.CertificateFile = v),
        ("EdgeRuntime:Broker:Tls:KeyFile", false, s => s.Broker.Tls.KeyFile, (s, v) => s.Broker.Tls.KeyFile = v),
        ("EdgeRuntime:Lis:RefusedFolder", false, s => s.Lis.RefusedFolder, (s, v) => s.Lis.RefusedFolder = v),
        ("EdgeRuntime:Lis:Fhir:CaFile", false, s => s.Lis.Fhir.CaFile, (s, v) => s.Lis.Fhir.CaFile = v),
    ];

    // Per-task prompt and prototype sets, which ship like the default prompt set.
    private static readonly (string Key, Func<EdgertSettings, Dictionary<string, string>> Get)[] Maps =
    [
        ("EdgeRuntime:Processing:TaskPromptSets", s => s.Processing.TaskPromptSets),
        ("EdgeRuntime:Processing:TaskPrototypeSets", s => s.Processing.TaskPrototypeSets),
    ];

    /// <summary>The folder data paths are from: the <c>--config</c> file's, else the working folder.</summary>
    public static string DataRoot(string? siteFile) =>
        siteFile is null ? Directory.GetCurrentDirectory() : Path.GetDirectoryName(Path.GetFullPath(siteFile))!;

    /// <summary>Before binding: makes the relative paths a <c>--config</c> file sets full, from that file's folder.</summary>
    public static void ResolveSiteFile(IConfigurationRoot configuration, string? siteFile)
    {
        if (siteFile is null)
        {
            return;
        }

        var site = Path.GetFullPath(siteFile);
        var keys = Scalars.Select(s => s.Key).Concat(Maps.SelectMany(m => configuration.GetSection(m.Key).GetChildren().Select(c => c.Path)));
        foreach (var key in keys.ToList())
        {
            if (configuration[key] is { Length: > 0 } value && !Path.IsPathRooted(value)
                && ConfigurationSources.FileOf(ConfigurationSources.Of(configuration, key)) == site)
            {
                configuration[key] = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(site)!, value));
            }
        }
    }

    /// <summary>After binding: makes every path still relative full, from the data root or edgert's folder.</summary>
    public static void ResolveRest(EdgertSettings settings, string dataRoot)
    {
        foreach (var (_, shipped, get, set) in Scalars)
        {
            if (get(settings) is { Length: > 0 } value && !Path.IsPathRooted(value))
            {
                set(settings, Path.GetFullPath(Path.Combine(shipped ? AppContext.BaseDirectory : dataRoot, value)));
            }
        }

        // The int8 gate's slides are the site's data; by default its recent slides, the inbox's done folder.
        var gateSlides = settings.Inference.Int8GateSlides;
        if (gateSlides.Count == 0)
        {
            gateSlides.Add(settings.Inbox.DonePath);
        }

        for (var i = 0; i < gateSlides.Count; i++)
        {
            gateSlides[i] = Path.GetFullPath(Path.Combine(dataRoot, gateSlides[i]));
        }

        if (settings.Inference.Int8LabelledSet is { Length: > 0 } labelled)
        {
            settings.Inference.Int8LabelledSet = Path.GetFullPath(Path.Combine(dataRoot, labelled));
        }

        foreach (var (_, get) in Maps)
        {
            var map = get(settings);
            foreach (var (task, value) in map.Where(p => p.Value is { Length: > 0 } v && !Path.IsPathRooted(v)).ToList())
            {
                map[task] = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, value));
            }
        }
    }
}
