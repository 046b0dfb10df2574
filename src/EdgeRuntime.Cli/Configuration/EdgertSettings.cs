using EdgeRuntime.Cli.Hosting;
using EdgeRuntime.Engine.Encoding;
using EdgeRuntime.Foundation;
using EdgeRuntime.Foundation.Diagnostics;
using EdgeRuntime.Foundation.Files;
using EdgeRuntime.Inference.Onnx;
using EdgeRuntime.Inference.Packages;
using EdgeRuntime.Inference.ZeroShot;
using EdgeRuntime.Ingest.Inbox;
using EdgeRuntime.Journal;
using EdgeRuntime.Plugins;
using EdgeRuntime.Plugins.Models;
using EdgeRuntime.Publishing.Mqtt;
using EdgeRuntime.Runtime.Processing;
using EdgeRuntime.Slides;
using EdgeRuntime.Tiling.Grid;
using EdgeRuntime.Tiling.Tissue;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeRuntime.Cli.Configuration;

/// <summary>
/// The configuration as the CLI reads it: <c>appsettings.json</c> beside the executable, then an optional
/// <c>--config</c> file, then environment variables (<c>EdgeRuntime__Tiling__TileSize=448</c>). The CLI binds no
/// section itself: each component binds and checks its own while it registers (<see cref="Composition.AddEdgeRuntime"/>),
/// and every command composes through it, so every problem is reported at start, together. What is the CLI's own: which
/// model, prompt set and prototype sets a command or the service loads (the configured ones, or those the active file names).
/// </summary>
internal sealed class EdgertSettings
{
    /// <summary>The folder below the state folder where verified file hashes are kept (<see cref="FileHashRecord"/>).</summary>
    public const string FileHashFolder = "file-hashes";

    private readonly ComponentSections sections;
    private ActivePlugins activePrototypes = ActivePlugins.None;

    private EdgertSettings(ComponentSections sections) => this.sections = sections;

    // The options each component bound from its section, for the commands that read a setting or override one: a
    // line a section, each the name commands use (a generic accessor would spell the section's type at every use).
    public SlideReadingOptions Slides => sections.Bind<SlideReadingOptions>(SlideReadingOptions.Section);

    public TissueDetectionOptions Tissue => sections.Bind<TissueDetectionOptions>(TissueDetectionOptions.Section);

    public TilingOptions Tiling => sections.Bind<TilingOptions>(TilingOptions.Section);

    public InferenceOptions Inference => sections.Bind<InferenceOptions>(InferenceOptions.Section);

    public EncodingOptions Pipeline => sections.Bind<EncodingOptions>(EncodingOptions.Section);

    public ZeroShotOptions ZeroShot => sections.Bind<ZeroShotOptions>(ZeroShotOptions.Section);

    public ModelOptions Models => sections.Bind<ModelOptions>(ModelOptions.Section);

    public InboxOptions Inbox => sections.Bind<InboxOptions>(InboxOptions.Section);

    public JournalOptions Journal => sections.Bind<JournalOptions>(JournalOptions.Section);

    public ProcessingOptions Processing => sections.Bind<ProcessingOptions>(ProcessingOptions.Section);

    public MqttOptions Mqtt => sections.Bind<MqttOptions>(MqttOptions.Section);

    public PluginOptions Plugins => sections.Bind<PluginOptions>(PluginOptions.Section);

    /// <summary>Points Processing at the active plugin versions, where plugins are in use and some are active.</summary>
    /// <exception cref="InvalidDataException">The active-plugins file is not valid, or names a plugin not on the allow-list.</exception>
    public void ApplyActivePlugins()
    {
        if (Plugins.Enabled)
        {
            ApplyActivePlugins(ActivePlugins.Read(Plugins.ActiveFile));
        }
    }

    /// <summary>Points Processing at <paramref name="active"/>'s versions (what <c>edgert run</c> found usable of the active file).</summary>
    /// <exception cref="InvalidDataException">A version is not on the allow-list or leads out of the plugins root.</exception>
    public void ApplyActivePlugins(ActivePlugins active)
    {
        ArgumentNullException.ThrowIfNull(active);
        if (!Plugins.Enabled)
        {
            return;
        }

        if (active.Model is not null)
        {
            PluginAllowList.Check(Plugins, active.Model.DefiningFile(Plugins.Root));
            Processing.ModelPackage = active.Model.CheckedDirectory(Plugins.Root);
        }

        if (active.Prompts is not null)
        {
            active.Prompts.CheckedDirectory(Plugins.Root);
            PluginAllowList.Check(Plugins, active.Prompts.DefiningFile(Plugins.Root));
            Processing.PromptSet = active.Prompts.DefiningFile(Plugins.Root);
        }

        foreach (var set in (active.Prototypes ?? new Dictionary<string, PluginRef>()).Values.Distinct().Append(active.Head).OfType<PluginRef>())
        {
            set.CheckedDirectory(Plugins.Root);
            PluginAllowList.Check(Plugins, set.DefiningFile(Plugins.Root));
        }

        activePrototypes = active;
    }

    /// <summary>The model package the service and one-shot commands use: Processing's, else the default.</summary>
    public string ModelPackageDirectory => Resolve(string.IsNullOrWhiteSpace(Processing.ModelPackage) ? Models.DefaultPackage : Processing.ModelPackage, AppContext.BaseDirectory);

    /// <summary>The prompt set the service uses: Processing's, else the zero-shot default.</summary>
    public string PromptSetPath => Resolve(string.IsNullOrWhiteSpace(Processing.PromptSet) ? ZeroShot.DefaultPromptSet : Processing.PromptSet, AppContext.BaseDirectory);

    /// <summary>The prompt sets tasks named for themselves, resolved like <see cref="PromptSetPath"/>.</summary>
    public IReadOnlyDictionary<string, string> TaskPromptSetPaths =>
        Processing.TaskPromptSets.ToDictionary(p => p.Key, p => Resolve(p.Value, AppContext.BaseDirectory), StringComparer.Ordinal);

    /// <summary>
    /// The prototype sets tasks score against: those configured, resolved like <see cref="PromptSetPath"/>, with
    /// the active file's over them once <see cref="ApplyActivePlugins()"/> has run.
    /// </summary>
    public IReadOnlyDictionary<string, string> TaskPrototypeSetPaths =>
        activePrototypes.PrototypeFiles(Processing.TaskPrototypeSets.ToDictionary(p => p.Key, p => Resolve(p.Value, AppContext.BaseDirectory), StringComparer.Ordinal), Plugins.Root);

    /// <summary>The cell head the model runs with: the active file's once <see cref="ApplyActivePlugins()"/> has run, else Processing's (none when empty).</summary>
    public string? CellHeadDirectory =>
        activePrototypes.Head is { } head ? head.CheckedDirectory(Plugins.Root) : string.IsNullOrWhiteSpace(Processing.CellHead) ? null : Path.GetFullPath(Processing.CellHead);

    /// <summary>Loads and binds; configuration values that cannot be converted are reported with their key.</summary>
    /// <exception cref="SettingsException">A file is missing or malformed, or a value is invalid.</exception>
    public static EdgertSettings Load(string? extraFile)
    {
        var settings = Read(extraFile);
        settings.Validate();
        return settings;
    }

    /// <summary>
    /// Loads and binds without checking: for a caller that changes settings (command-line overrides) and then calls
    /// <see cref="Validate"/> itself, so the whole composition is registered and checked once, not before and after.
    /// </summary>
    /// <exception cref="SettingsException">A file is missing or malformed.</exception>
    public static EdgertSettings Read(string? extraFile)
    {
        using var reading = StartupPhases.Begin("configuration: files, environment, the sections the CLI reads");
        var builder = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true);
        if (extraFile is not null)
        {
            ConfigurationFileCheck.Require(Path.GetFullPath(extraFile));
            builder.AddJsonFile(Path.GetFullPath(extraFile), optional: false);
        }

        builder.AddEnvironmentVariables();
        IConfigurationRoot configuration;
        try
        {
            configuration = ListsReplaceWhole.Build(builder);
        }
        catch (InvalidDataException e)
        {
            throw new SettingsException([Describe(e)]);
        }

        SettingPaths.ResolveSiteFile(configuration, extraFile);
        var settings = new EdgertSettings(new ComponentSections(configuration, SettingPaths.DataRoot(extraFile)));

        // Every model package a command or the service opens is first opened in a child process (docs/security.md).
        ModelPackageIsolation.Require(settings.Inference, settings.Plugins);

        // Package and plugin files are hashed at every load; an unchanged one is answered from the service's own record.
        FileHashRecord.Use(Path.Combine(settings.Plugins.StateDirectory, FileHashFolder));
        return settings;
    }

    /// <summary>
    /// Checks every component's options and reports all problems at once: the service's whole composition registers
    /// into a collection that is never built, each component binding and checking its own section.
    /// </summary>
    /// <exception cref="SettingsException">Some value is invalid.</exception>
    public void Validate()
    {
        using var checking = StartupPhases.Begin("configuration: every component's options bound and checked");
        Compose(new ServiceCollection(), (services, s) => services.AddEdgeRuntime(s));
    }

    /// <summary>
    /// Registers with <paramref name="register"/> into <paramref name="services"/>, each component over its bound
    /// section (checked again, with what a command changed since), then reports every problem at once.
    /// </summary>
    /// <exception cref="SettingsException">Some value is invalid.</exception>
    public void Compose(IServiceCollection services, Action<IServiceCollection, IConfigurationSections> register)
    {
        ArgumentNullException.ThrowIfNull(register);
        register(services, sections);
        sections.ThrowIfInvalid();
    }

    // The configuration library says only which file failed; the JSON reader inside says where, and its own parser
    // what it refused of valid JSON (a top-level array, a key twice): give both.
    private static string Describe(InvalidDataException e)
    {
        // The JSON reader's error, where there is one, sits below the configuration parser's FormatException
        // ("Could not parse the JSON file"): the line and column say more, so the whole chain is searched for it first.
        FormatException? format = null;
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is System.Text.Json.JsonException json)
            {
                return $"{e.Message.TrimEnd('.')}: not valid JSON at {JsonErrorText.Describe(json)}";
            }

            format ??= inner as FormatException;
        }

        return format is null ? e.Message : $"{e.Message.TrimEnd('.')}: {format.Message}";
    }

    private static string Resolve(string path, string baseDirectory) =>
        Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(baseDirectory, path));
}
