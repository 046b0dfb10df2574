using System.CommandLine;
using EdgeRuntime.Cli.Configuration;
using EdgeRuntime.Foundation.Files;
using EdgeRuntime.Inference.Prototypes;
using EdgeRuntime.Validation.Embedding;

namespace EdgeRuntime.Cli.Commands;

/// <summary>
/// <c>edgert prototypes build</c>: few-shot class prototypes from a folder of labelled tiles. Each image goes through
/// the slide pipeline (tiled, resized and normalised exactly as slides are); a class's prototype is the normalised
/// mean of its images' unit embeddings. The set is written as <c>prototypes.json</c>, which any task takes in place
/// of a prompt set (<c>EdgeRuntime:Processing:TaskPrototypeSets:{task}</c>).
/// </summary>
internal static class PrototypeCommands
{
    private static readonly string[] ImageExtensions = [".png", ".jpg", ".jpeg", ".tif", ".tiff"];

    public static Command Create(CliOutput output)
    {
        var prototypes = new Command("prototypes", "Few-shot prototype sets: class means of labelled examples' image embeddings, used wherever a prompt set is.");
        var folder = new Argument<DirectoryInfo>("folder") { Description = "A folder of class folders of images (CRC-100K style): the folder names are the classes." };
        var outDir = new Option<DirectoryInfo?>("--output", "-o") { Description = "Folder to write prototypes.json into. Default: the plugins root's prototypes/{id}/{version}/, where edgert plugins activate prototypes finds it." }.MustBeWritableFolder("prototypes.json");
        var shots = new Option<int?>("--shots") { Description = "Examples per class: the first N of each folder in name order (default: all)." };
        var id = new Option<string>("--id") { Description = "The set's id.", DefaultValueFactory = _ => "prototypes" };
        var version = new Option<string>("--version") { Description = "The set's version.", DefaultValueFactory = _ => "1.0.0" };
        var models = new ModelLoading();
        var common = new CommonOptions();
        var build = new Command("build", "Embed each class folder's images with the model and write their normalised means as a prototype set.")
        {
            folder, outDir, shots, id, version, models.Model,
        };
        common.AddTo(build);
        build.SetAction((parse, cancellationToken) => output.GuardAsync(async () =>
        {
            var settings = common.Load(parse);
            models.Apply(parse, settings);
            var root = parse.GetValue(folder)!.FullName;
            if (!Directory.Exists(root))
            {
                throw new SettingsException([$"{root}: no such folder."]);
            }

            var target = Target(settings, parse.GetValue(outDir), parse.GetValue(id)!, parse.GetValue(version)!);
            var perClass = parse.GetValue(shots);
            if (perClass is < 1)
            {
                throw new SettingsException([$"--shots must be at least 1 (is {perClass})."]);
            }

            var classes = Directory.GetDirectories(root).Order(StringComparer.Ordinal)
                .Select(d => (Name: Path.GetFileName(d), Files: Directory.GetFiles(d).Where(f => ImageExtensions.Contains(Path.GetExtension(f).ToLowerInvariant())).Order(StringComparer.Ordinal).Take(perClass ?? int.MaxValue).ToList()))
                .ToList();
            var empty = classes.Where(c => c.Files.Count == 0).Select(c => $"{Path.Combine(root, c.Name)}: no images ({string.Join(", ", ImageExtensions)}).").ToList();
            if (classes.Count < 2 || empty.Count > 0)
            {
                throw new SettingsException(classes.Count < 2 ? [$"{root}: a prototype set needs at least 2 class folders (has {classes.Count})."] : empty);
            }

            using var logging = ModelLoading.Logging(output.Error);
            using var model = await SlideRunner.LoadModelAsync(settings, logging.CreateLogger("edgert"), cancellationToken);
            var total = classes.Sum(c => c.Files.Count);
            // The same embedding path as edgert eval (each image through the slide pipeline), without its cache.
            var embedder = new EngineImageEmbedder(new Evaluation.CommandValidationHost(settings, logging), cacheRoot: null, parse.GetValue(common.TargetMpp), output.Error);
            var examples = new List<(string, IReadOnlyList<float[]>)>();
            foreach (var (name, files) in classes)
            {
                output.Error.WriteLine($"class {name}: {files.Count} images");
                examples.Add((name, await embedder.EmbedAsync(model, files, cancellationToken)));
            }

            var dimension = model.Package.Manifest.EmbeddingSize;
            var set = PrototypeSetFile.FromExamples(parse.GetValue(id)!, parse.GetValue(version)!, model.Package.Identity.Id, dimension, examples);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            PrototypeSetFile.Write(target, set, dimension);
            output.Out.WriteLine($"{target}: {classes.Count} classes from {total} images, model {model.Package.Identity.Id} {model.Package.Identity.Version}");
            return ExitCodes.Success;
        }));
        prototypes.Subcommands.Add(build);
        return prototypes;
    }

    /// <summary>
    /// Where the set goes. A version is never overwritten: a service may be running it, and its hash is in
    /// results already published; a changed set is a new version.
    /// </summary>
    private static string Target(EdgertSettings settings, DirectoryInfo? output, string id, string version)
    {
        if (!Plugins.PluginRef.IsFolderName(id) || !Plugins.PluginRef.IsFolderName(version))
        {
            throw new SettingsException([$"--id '{id}' and --version '{version}' must be plain folder names."]);
        }

        string folder;
        if (output is not null)
        {
            folder = output.FullName;
        }
        else if (settings.Plugins.Enabled)
        {
            folder = new Plugins.PluginRef(Plugins.PluginRef.Prototypes, id, version).Directory(settings.Plugins.Root);
        }
        else
        {
            throw new SettingsException([$"--output is needed: {Plugins.PluginOptions.Section}:{nameof(Plugins.PluginOptions.Root)} is empty, so there is no plugins root to write the set into."]);
        }

        var target = Path.Combine(folder, PrototypeSetFile.FileName);
        return File.Exists(target)
            ? throw new SettingsException([$"{target}: exists; a prototype set version is never overwritten (give another --version)."])
            : target;
    }
}
