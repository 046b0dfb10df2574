using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeRuntime.Cli.Configuration;
using EdgeRuntime.Slides.Reading;
using EdgeRuntime.TaskKit.ZeroShot;

namespace EdgeRuntime.Cli.Commands;

/// <summary><c>edgert tag</c>: zero-shot classes of an image, or slide tags and class fractions of a slide.</summary>
internal static class TagCommand
{
    public static Command Create(CliOutput output)
    {
        var file = new Argument<FileInfo>("file") { Description = "Whole-slide image, or a plain image (PNG, JPEG, TIFF) tagged as one tile." };
        var prompts = new Option<FileInfo?>("--prompts", "-p") { Description = "Prompt set (JSON). Default: EdgeRuntime:ZeroShot:DefaultPromptSet (CRC-100K)." };
        var top = new Option<int>("--top") { Description = "Classes to print.", DefaultValueFactory = _ => 5 };
        var topK = new Option<int?>("--top-k") { Description = "Tiles pooled per class for the slide score (MI-Zero). Default: EdgeRuntime:Processing:TaskSettings:zero-shot-tagging:TopK, else 10." };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of text." };
        var models = new ModelLoading();
        var common = new CommonOptions();
        var command = new Command("tag", "Zero-shot tagging: the top classes of an image with probabilities; for a slide, slide tags (MI-Zero top-K pooling) and class fractions over its tissue tiles.")
        {
            file, models.Model, prompts, top, topK, json,
        };
        common.AddTo(command);
        command.SetAction((parse, cancellationToken) => output.GuardAsync(async () =>
        {
            var settings = common.Load(parse);
            var poolK = parse.GetValue(topK) ?? ZeroShotSetup.TopK(settings);
            if (poolK < 1)
            {
                throw new SettingsException([$"--top-k must be at least 1 (is {poolK})."]);
            }

            using var logging = ModelLoading.Logging(output.Error);
            using var package = models.Load(parse, settings, logging.CreateLogger("edgert"));
            var promptSet = ZeroShotSetup.LoadPrompts(parse.GetValue(prompts), settings);
            var classifier = await ZeroShotSetup.ClassifierAsync(package, promptSet, settings, cancellationToken);
            using var slide = new SlideOpener(settings.Slides).Open(parse.GetValue(file)!.FullName);

            var classes = promptSet.Set.Classes.Count;
            var aggregator = new SlideTagAggregator(classes, poolK);
            var logits = new double[classes];
            var (tiles, plan, _) = await SlideEncoding.RunAsync(
                slide, package, settings, parse.GetValue(common.TargetMpp),
                (batch, _) =>
                {
                    for (var i = 0; i < batch.Tiles.Count; i++)
                    {
                        classifier.Logits(batch.VectorOf(i), logits);
                        aggregator.Add(logits);
                    }

                    return ValueTask.CompletedTask;
                },
                new ProgressBar(output.Error, output.ErrorIsTerminal),
                cancellationToken);

            var names = promptSet.Set.Classes.Select(c => c.Name).ToArray();
            var isImage = plan is null;
            var probabilities = aggregator.SlideProbabilities(); // for one tile: the softmax of its logits
            var fractions = aggregator.ClassFractions();
            var order = Enumerable.Range(0, classes).OrderByDescending(c => probabilities[c]).Take(Math.Max(1, parse.GetValue(top))).ToArray();
            if (parse.GetValue(json))
            {
                var result = new JsonObject
                {
                    ["file"] = slide.Info.FilePath,
                    ["kind"] = isImage ? "image" : "slide",
                    ["model"] = new JsonObject { ["id"] = package.Identity.Id, ["version"] = package.Identity.Version, ["sha256"] = package.Identity.Sha256, ["executionProvider"] = package.ExecutionProvider },
                    ["prompts"] = new JsonObject { ["id"] = promptSet.Set.Id, ["version"] = promptSet.Set.Version, ["sha256"] = promptSet.Sha256 },
                    ["tiles"] = tiles.Count,
                    ["topK"] = isImage ? null : poolK,
                    ["tags"] = new JsonArray(order.Select(c => (JsonNode)new JsonObject { ["class"] = names[c], ["probability"] = probabilities[c] }).ToArray()),
                    ["classFractions"] = isImage ? null : new JsonObject(Enumerable.Range(0, classes).Select(c => KeyValuePair.Create(names[c], (JsonNode?)fractions[c]))),
                };
                output.Out.WriteLine(result.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
                return ExitCodes.Success;
            }

            var inv = CultureInfo.InvariantCulture;
            var text = new StringBuilder();
            text.AppendLine(inv, $"File:     {slide.Info.FilePath}");
            text.AppendLine(inv, $"Model:    {package.Identity.Id} {package.Identity.Version} on {package.ExecutionProvider}");
            text.AppendLine(inv, $"Prompts:  {promptSet.Set.Id} {promptSet.Set.Version} ({classes} classes)");
            if (isImage)
            {
                text.AppendLine("Classes (whole image as one tile):");
            }
            else
            {
                text.AppendLine(inv, $"Tiles:    {tiles.Count} tissue tiles of {plan!.Grid.TileSize} px at {plan.Grid.TargetMicronsPerPixel} µm/px");
                text.AppendLine(inv, $"Slide tags (MI-Zero, mean of the top {poolK} tiles per class):");
            }

            foreach (var c in order)
            {
                var share = isImage ? string.Empty : string.Create(inv, $"   ({fractions[c]:P1} of tiles)");
                text.AppendLine(inv, $"  {probabilities[c],7:P1}  {names[c]}{share}");
            }

            output.Out.Write(text.ToString());
            return ExitCodes.Success;
        }));
        return command;
    }
}
