using EdgeRuntime.Cases;
using EdgeRuntime.Engine.Encoding;
using EdgeRuntime.Fleet;
using EdgeRuntime.Foundation;
using EdgeRuntime.Inference.Onnx;
using EdgeRuntime.Inference.Packages;
using EdgeRuntime.Inference.ZeroShot;
using EdgeRuntime.Ingest.Inbox;
using EdgeRuntime.Journal;
using EdgeRuntime.Lis;
using EdgeRuntime.Operations;
using EdgeRuntime.Plugins;
using EdgeRuntime.Plugins.Models;
using EdgeRuntime.Publishing.Broker;
using EdgeRuntime.Publishing.Mqtt;
using EdgeRuntime.Runtime.Processing;
using EdgeRuntime.Slides;
using EdgeRuntime.Tiling.Grid;
using EdgeRuntime.Tiling.Tissue;
using Microsoft.Extensions.Configuration;

namespace EdgeRuntime.Cli.Configuration;

/// <summary>
/// Every component's options, bound from <c>appsettings.json</c> beside the executable, then an optional
/// <c>--config</c> file, then environment variables (<c>EdgeRuntime__Tiling__TileSize=448</c>).
/// </summary>
internal sealed class EdgertSettings
{
    private ActivePlugins activePrototypes = ActivePlugins.None;

    public SlideReadingOptions Slides { get; } = new();

    public TissueDetectionOptions Tissue { get; } = new();

    public TilingOptions Tiling { get; } = new();

    public InferenceOptions Inference { get; } = new();

    public EncodingOptions Pipeline { get; } = new();

    public ZeroShotOptions ZeroShot { get; } = new();

    public ModelOptions Models { get; } = new();

    public InboxOptions Inbox { get; } = new();

    public JournalOptions Journal { get; } = new();

    public ProcessingOptions Processing { get; } = new();

    public MqttOptions Mqtt { get; } = new();

    public EmbeddedBrokerOptions Broker { get; } = new();

    public PluginOptions Plugins { get; } = new();

    public OperationsOptions Operations { get; } = new();

    public CaseOptions Cases { get; } = new();

    public LisOptions Lis { get; } = new();

    public FleetOptions Fleet { get; } = new();

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

    // Every section and the options bound from it: binding, the key check and validation all go by this list.
    private IEnumerable<(string Section, object Options)> Sections =>
    [
        (SlideReadingOptions.Section, Slides), (TissueDetectionOptions.Section, Tissue), (TilingOptions.Section, Tiling),
        (InferenceOptions.Section, Inference), (EncodingOptions.Section, Pipeline), (ZeroShotOptions.Section, ZeroShot),
        (ModelOptions.Section, Models), (InboxOptions.Section, Inbox), (JournalOptions.Section, Journal),
        (ProcessingOptions.Section, Processing), (MqttOptions.Section, Mqtt), (EmbeddedBrokerOptions.Section, Broker),
        (PluginOptions.Section, Plugins), (OperationsOptions.Section, Operations), (CaseOptions.Section, Cases), (LisOptions.Section, Lis),
        (FleetOptions.Section, Fleet),
    ];

    /// <summary>Loads and binds; configuration values that cannot be converted are reported with their key.</summary>
    /// <exception cref="SettingsException">A file is missing or malformed, or a value is invalid.</exception>
    public static EdgertSettings Load(string? extraFile)
    {
        var builder = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true);
        if (extraFile is not null)
        {
            if (!File.Exists(extraFile))
            {
                throw new SettingsException([$"{Path.GetFullPath(extraFile)}: configuration file not found."]);
            }

            builder.AddJsonFile(Path.GetFullPath(extraFile), optional: false);
        }

        builder.AddEnvironmentVariables();
        IConfigurationRoot configuration;
        try
        {
            configuration = builder.Build();
        }
        catch (InvalidDataException e)
        {
            throw new SettingsException([Describe(e)]);
        }

        var settings = new EdgertSettings();
        var sections = settings.Sections.ToList();
        var shapeErrors = ConfigurationKeyCheck.Errors(configuration, [.. sections.Select(s => (s.Section, s.Options.GetType()))]);
        if (shapeErrors.Count > 0)
        {
            throw new SettingsException(shapeErrors);
        }

        SettingPaths.ResolveSiteFile(configuration, extraFile);
        foreach (var (section, options) in sections)
        {
            Bind(configuration, section, options);
        }

        SettingPaths.ResolveRest(settings, SettingPaths.DataRoot(extraFile));
        settings.Validate();

        // Every model package a command or the service opens is first opened in a child process (docs/security.md).
        ModelPackageIsolation.Require(settings.Inference, settings.Plugins);
        return settings;
    }

    /// <summary>Checks every component's options and reports all problems at once.</summary>
    /// <exception cref="SettingsException">Some value is invalid.</exception>
    public void Validate()
    {
        var errors = Slides.Validate().Concat(Tissue.Validate()).Concat(Tiling.Validate()).Concat(Inference.Validate())
            .Concat(Pipeline.Validate()).Concat(ZeroShot.Validate()).Concat(Models.Validate()).Concat(Inbox.Validate())
            .Concat(Journal.Validate()).Concat(Processing.Validate()).Concat(Mqtt.Validate()).Concat(BrokerErrors()).Concat(Plugins.Validate()).Concat(Operations.Validate()).Concat(Cases.Validate()).Concat(Lis.Validate())
            .Concat(Fleet.Validate(Mqtt.Embedded, Mqtt.NodeId)).ToList();
        if (errors.Count > 0)
        {
            throw new SettingsException(errors);
        }
    }

    // The embedded broker's options matter only when it runs; set with an external broker, they would mislead.
    private IEnumerable<string> BrokerErrors()
    {
        if (!Mqtt.Embedded)
        {
            return Broker.Tls.Enabled || Broker.ReadOnlyAccounts.Count > 0 || Broker.Addresses is { Length: > 0 }
                ? [$"{EmbeddedBrokerOptions.Section} configures the embedded broker, but {MqttOptions.Section}:Host is set, so none runs: give the external broker these settings (its listeners and ACL) instead."]
                : [];
        }

        string[] reserved = [Mqtt.Username ?? ServiceAccount.BuiltInUsername, .. Mqtt.AdminEnabled ? [Mqtt.AdminUsername!] : Array.Empty<string>()];
        return Broker.Validate(!string.IsNullOrEmpty(Mqtt.Username) || Mqtt.AdminEnabled, reserved);
    }

    // The configuration library says only which file failed; the JSON reader inside says where: give both.
    private static string Describe(InvalidDataException e)
    {
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is System.Text.Json.JsonException json)
            {
                return $"{e.Message.TrimEnd('.')}: not valid JSON at {JsonErrorText.Describe(json)}";
            }
        }

        return e.Message;
    }

    private static string Resolve(string path, string baseDirectory) =>
        Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(baseDirectory, path));

    private static void Bind(IConfiguration configuration, string section, object options)
    {
        try
        {
            configuration.GetSection(section).Bind(options, o => o.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException e)
        {
            // ConfigurationKeyCheck has refused unknown keys and unconvertible values already; should the binder still
            // refuse something, name the key it names, not the .NET type it wanted.
            var key = System.Text.RegularExpressions.Regex.Match(e.Message, "at '([^']+)'") is { Success: true } m ? m.Groups[1].Value : section;
            throw new SettingsException([$"{key}: the value cannot be read as this setting."]);
        }
    }
}
