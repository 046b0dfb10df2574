using System.CommandLine;
using EdgeRuntime.Cli.Configuration;
using EdgeRuntime.Evaluation.Datasets;
using EdgeRuntime.Evaluation.Metrics;
using EdgeRuntime.Validation;
using EdgeRuntime.Validation.Embedding;

namespace EdgeRuntime.Cli.Commands.Evaluation;

/// <summary>The options every subcommand takes, and what they resolve to.</summary>
internal sealed class EvalOptions
{
    private readonly CommonOptions common = new();
    private readonly Argument<string> dataset = new("dataset") { Description = "A folder of class folders of tiles (CRC-100K style), or a CSV with columns path,label[,split]." };
    private readonly Option<DirectoryInfo[]> models = new("--model", "-m") { Description = "Model package(s) to compare (repeat the option). Default: EdgeRuntime:Models:DefaultPackage." };
    private readonly Option<FileInfo?> map = new("--map") { Description = "JSON object mapping dataset labels to class names of the prompt set." };
    private readonly Option<string?> split = new("--split") { Description = "The split to evaluate (zero-shot) or to test on (few-shot, linear probe). Default: 'test' when the CSV names splits." };
    private readonly Option<DirectoryInfo> outDir = new Option<DirectoryInfo>("--output", "-o") { Description = "Folder for report.json, report.md and the charts.", Required = true }.MustBeWritableFolder("the report");
    private readonly Option<DirectoryInfo?> cache = new Option<DirectoryInfo?>("--cache") { Description = "Embedding cache (by model hash, image hash and tiling). Default: eval-embeddings beside EdgeRuntime:ZeroShot:TextEmbeddingCache." }.MustBeWritableFolder("the embedding cache");
    private readonly Option<int> seed = new("--seed") { Description = "Seeds the bootstrap, the draws of examples and splits.", DefaultValueFactory = _ => 0 };
    private readonly Option<int> bootstrap = new("--bootstrap") { Description = "Bootstrap resamples for the 95 % intervals (0: none).", DefaultValueFactory = _ => Bootstrap.DefaultResamples };
    private readonly Option<bool> ordered = new("--ordered") { Description = "The classes are ordered grades (Gleason): report the quadratic-weighted kappa too." };

    public void AddTo(Command command)
    {
        command.Arguments.Add(dataset);
        foreach (var option in new Option[] { models, map, split, outDir, cache, seed, bootstrap, ordered })
        {
            command.Options.Add(option);
        }

        common.AddTo(command);
    }

    public ValidationRun Start(ParseResult parse, CliOutput output, bool requireTiles = true, string pathColumn = "path")
    {
        var settings = common.Load(parse);
        settings.ApplyActivePlugins();
        var source = parse.GetValue(dataset)!;
        if (!Directory.Exists(source))
        {
            InputFileCheck.Require(Path.GetFullPath(source), "a dataset CSV", MaxCsvBytes);
        }

        CaptionDataset? captions = null;
        TileDataset? tiles = null;
        if (!requireTiles && File.Exists(source) && CsvHeader(source).Contains("caption"))
        {
            captions = CaptionDataset.Load(source);
            if (CsvHeader(source).Contains("label"))
            {
                tiles = TileDataset.LoadCsv(source, "image");
            }
        }
        else if (pathColumn == "image")
        {
            // Image,mask pairs: read by the segmentation command itself.
            tiles = File.Exists(source) ? TileDataset.Empty(source) : throw new SettingsException([$"{source}: segmentation pairs are listed in a CSV with columns image,mask."]);
        }
        else if (pathColumn != "path")
        {
            tiles = File.Exists(source) ? TileDataset.LoadCsv(source, pathColumn) : throw new SettingsException([$"{source}: whole slides are listed in a CSV with columns slide,label[,split]."]);
        }
        else
        {
            tiles = TileDataset.Load(source);
        }

        var data = tiles ?? TileDataset.Empty(source);
        var resamples = parse.GetValue(bootstrap);
        if (resamples is < 0 or 1)
        {
            throw new SettingsException([$"--bootstrap must be 0 or at least 2 (is {resamples})."]);
        }

        var chosenSplit = parse.GetValue(split) ?? (data.HasSplits ? "test" : null);
        if (chosenSplit is not null && data.Split(chosenSplit).Count == 0)
        {
            throw new SettingsException([$"{data.Source}: no image is in split '{chosenSplit}'."]);
        }

        var cacheRoot = parse.GetValue(cache)?.FullName ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(settings.ZeroShot.TextEmbeddingCache))!, "eval-embeddings");
        var logging = ModelLoading.Logging(output.Error);
        var mapping = parse.GetValue(map) is { } m ? LabelMapping.Load(Checked(m.FullName, "a label map")) : LabelMapping.Identity;
        var modelDirectories = parse.GetValue(models) is { Length: > 0 } given ? given.Select(d => d.FullName).ToArray() : [settings.ModelPackageDirectory];
        var host = new CommandValidationHost(settings, logging);
        return new ValidationRun(host, data, mapping, chosenSplit, modelDirectories, parse.GetValue(outDir)!.FullName, parse.GetValue(seed), resamples, parse.GetValue(ordered),
            new EngineImageEmbedder(host, cacheRoot, parse.GetValue(common.TargetMpp), output.Error))
        {
            Captions = captions,
        };
    }

    /// <summary>The dataset as given on the command line.</summary>
    public string DatasetOf(ParseResult parse) => parse.GetValue(dataset)!;

    // A million rows of a path and a label; a CSV is read whole.
    private const long MaxCsvBytes = 256L << 20;

    /// <summary>The largest JSON a person writes beside a dataset (a label map, a palette).</summary>
    public const long MaxSmallJsonBytes = 1 << 20;

    /// <summary><paramref name="file"/>, once <see cref="InputFileCheck"/> has passed it as <paramref name="noun"/>.</summary>
    public static string Checked(string file, string noun, long maxBytes = MaxSmallJsonBytes)
    {
        InputFileCheck.Require(file, noun, maxBytes);
        return file;
    }

    private static List<string> CsvHeader(string file) =>
        (File.ReadLines(file).FirstOrDefault() ?? string.Empty).Split(',').Select(h => h.Trim().Trim('"').ToLowerInvariant()).ToList();
}
