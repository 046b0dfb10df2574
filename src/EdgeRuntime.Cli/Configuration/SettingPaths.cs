using EdgeRuntime.Foundation;
using EdgeRuntime.Inference.Onnx;
using EdgeRuntime.Inference.Packages;
using EdgeRuntime.Inference.ZeroShot;
using EdgeRuntime.Ingest.Inbox;
using EdgeRuntime.Journal;
using EdgeRuntime.Lis;
using EdgeRuntime.Plugins;
using EdgeRuntime.Publishing.Broker;
using EdgeRuntime.Publishing.Mqtt;
using EdgeRuntime.Runtime.Processing;
using Microsoft.Extensions.Configuration;

namespace EdgeRuntime.Cli.Configuration;

/// <summary>
/// The one rule for relative paths in settings, so that results never depend on the folder a command was started
/// from. A relative path written in a <c>--config</c> file is from that file's folder. Every other relative path (in
/// appsettings.json beside edgert, in an environment variable, or a default) is from the data root: the
/// <c>--config</c> file's folder, or the working folder when no file is given; except the plugins root, model
/// packages, prompt sets and prototype sets, which ship beside edgert and are from edgert's folder. Applied to each
/// section as the component that owns it binds it (<see cref="ComponentSections"/>).
/// </summary>
internal static class SettingPaths
{
    // Each path setting: whether it ships with edgert (else it is data the site keeps), and how to read and write it
    // on the options its section is bound into.
    private static readonly PathRule[] Scalars =
    [
        On<ModelOptions>("EdgeRuntime:Models:DefaultPackage", true, o => o.DefaultPackage, (o, v) => o.DefaultPackage = v),
        On<ZeroShotOptions>("EdgeRuntime:ZeroShot:DefaultPromptSet", true, o => o.DefaultPromptSet, (o, v) => o.DefaultPromptSet = v),
        On<PluginOptions>("EdgeRuntime:Plugins:Root", true, o => o.Root, (o, v) => o.Root = v),
        On<ProcessingOptions>("EdgeRuntime:Processing:ModelPackage", true, o => o.ModelPackage, (o, v) => o.ModelPackage = v),
        On<ProcessingOptions>("EdgeRuntime:Processing:PromptSet", true, o => o.PromptSet, (o, v) => o.PromptSet = v),
        On<ZeroShotOptions>("EdgeRuntime:ZeroShot:TextEmbeddingCache", false, o => o.TextEmbeddingCache, (o, v) => o.TextEmbeddingCache = v),
        On<InboxOptions>("EdgeRuntime:Inbox:Path", false, o => o.Path, (o, v) => o.Path = v),
        On<InboxOptions>("EdgeRuntime:Inbox:DoneFolder", false, o => o.DoneFolder, (o, v) => o.DoneFolder = v),
        On<InboxOptions>("EdgeRuntime:Inbox:FailedFolder", false, o => o.FailedFolder, (o, v) => o.FailedFolder = v),
        On<JournalOptions>("EdgeRuntime:Journal:DatabasePath", false, o => o.DatabasePath, (o, v) => o.DatabasePath = v),
        On<ProcessingOptions>("EdgeRuntime:Processing:ResultsDirectory", false, o => o.ResultsDirectory, (o, v) => o.ResultsDirectory = v),
        On<ProcessingOptions>("EdgeRuntime:Processing:TaskStateDirectory", false, o => o.TaskStateDirectory, (o, v) => o.TaskStateDirectory = v),
        On<PluginOptions>("EdgeRuntime:Plugins:ActiveFile", false, o => o.ActiveFile, (o, v) => o.ActiveFile = v),
        On<MqttOptions>("EdgeRuntime:Mqtt:Tls:CaFile", false, o => o.Tls.CaFile, (o, v) => o.Tls.CaFile = v),
        On<MqttOptions>("EdgeRuntime:Mqtt:Tls:CertificateFile", false, o => o.Tls.CertificateFile, (o, v) => o.Tls.CertificateFile = v),
        On<MqttOptions>("EdgeRuntime:Mqtt:Tls:KeyFile", false, o => o.Tls.KeyFile, (o, v) => o.Tls.KeyFile = v),
        On<EmbeddedBrokerOptions>("EdgeRuntime:Broker:Tls:CertificateFile", false, o => o.Tls.CertificateFile, (o, v) => o.Tls.CertificateFile = v),
        On<EmbeddedBrokerOptions>("EdgeRuntime:Broker:Tls:KeyFile", false, o => o.Tls.KeyFile, (o, v) => o.Tls.KeyFile = v),
        On<LisOptions>("EdgeRuntime:Lis:RefusedFolder", false, o => o.RefusedFolder, (o, v) => o.RefusedFolder = v),
        On<LisOptions>("EdgeRuntime:Lis:Fhir:CaFile", false, o => o.Fhir.CaFile, (o, v) => o.Fhir.CaFile = v),
    ];

    // Per-task prompt and prototype sets, which ship like the default prompt set.
    private static readonly (string Key, Func<ProcessingOptions, Dictionary<string, string>> Get)[] Maps =
    [
        ("EdgeRuntime:Processing:TaskPromptSets", o => o.TaskPromptSets),
        ("EdgeRuntime:Processing:TaskPrototypeSets", o => o.TaskPrototypeSets),
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

    /// <summary>
    /// Once a section is bound into <paramref name="options"/>: makes every path of it still relative full, from the
    /// data root or edgert's folder. The int8 gate's default is the inbox's done folder, read from
    /// <paramref name="sections"/>.
    /// </summary>
    public static void Resolve(object options, string dataRoot, IConfigurationSections sections)
    {
        foreach (var rule in Scalars.Where(r => r.Options.IsInstanceOfType(options)))
        {
            if (rule.Get(options) is { Length: > 0 } value && !Path.IsPathRooted(value))
            {
                rule.Set(options, Path.GetFullPath(Path.Combine(rule.Shipped ? AppContext.BaseDirectory : dataRoot, value)));
            }
        }

        if (options is InferenceOptions inference)
        {
            // The int8 gate's slides are the site's data; by default its recent slides, the inbox's done folder.
            var gateSlides = inference.Int8GateSlides;
            if (gateSlides.Count == 0)
            {
                gateSlides.Add(sections.Bind<InboxOptions>(InboxOptions.Section).DonePath);
            }

            for (var i = 0; i < gateSlides.Count; i++)
            {
                gateSlides[i] = Path.GetFullPath(Path.Combine(dataRoot, gateSlides[i]));
            }

            if (inference.Int8LabelledSet is { Length: > 0 } labelled)
            {
                inference.Int8LabelledSet = Path.GetFullPath(Path.Combine(dataRoot, labelled));
            }
        }

        if (options is ProcessingOptions processing)
        {
            foreach (var (_, get) in Maps)
            {
                var map = get(processing);
                foreach (var (task, value) in map.Where(p => p.Value is { Length: > 0 } v && !Path.IsPathRooted(v)).ToList())
                {
                    map[task] = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, value));
                }
            }
        }
    }

    private static PathRule On<T>(string key, bool shipped, Func<T, string?> get, Action<T, string> set) =>
        new(key, shipped, typeof(T), o => get((T)o), (o, v) => set((T)o, v));

    private sealed record PathRule(string Key, bool Shipped, Type Options, Func<object, string?> Get, Action<object, string> Set);
}
