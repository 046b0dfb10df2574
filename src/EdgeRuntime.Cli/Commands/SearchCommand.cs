using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeRuntime.Abstractions.Requests;
using EdgeRuntime.Cli.Configuration;
using EdgeRuntime.Engine.Running;
using EdgeRuntime.Foundation.Files;
using EdgeRuntime.Plugins.Requests;
using EdgeRuntime.Runtime.Requests;
using EdgeRuntime.Slides.Pixels;
using EdgeRuntime.Slides.Reading;
using EdgeRuntime.Validation.Embedding;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Cli.Commands;

/// <summary>
/// <c>edgert search</c>: the retrieval index's <c>search</c> request on the box, by text (the model's text tower), by
/// an image (through the slide pipeline, as indexed tiles were), or by a region of an indexed slide; the same request
/// an LIS sends over MQTT. Hits name their slide's file as it was dropped; a region search leaves out the region's own
/// tiles; an empty index exits 1 naming the model and its folder. <c>--preview</c> writes the hit tiles as PNGs, read
/// from where each slide's result says its file is.
/// </summary>
internal static class SearchCommand
{
    private const string Task = "retrieval-index";

    public static Command Create(CliOutput output)
    {
        var text = new Argument<string?>("text") { Description = "What to look for, in words (\"tumour cells with necrosis\").", Arity = ArgumentArity.ZeroOrOne };
        var image = new Option<FileInfo?>("--image") { Description = "Search by an image instead (a tile-sized PNG or JPEG is one tile; a larger one, the mean of its tiles)." };
        var slide = new Option<string?>("--slide") { Description = "Search by a region of an indexed slide: its slide id (with --box)." };
        var box = new Option<string?>("--box") { Description = "The region, x,y,width,height in level-0 pixels (with --slide)." };
        var top = new Option<int>("--top") { Description = "Hits to return.", DefaultValueFactory = _ => 10 };
        var exact = new Option<bool>("--exact") { Description = "Scan every vector even where the approximate (HNSW) index would answer." };
        var json = new Option<bool>("--json") { Description = "Print the JSON answer." };
        var preview = new Option<DirectoryInfo?>("--preview") { Description = "Write each hit's tile as a PNG into this folder (rank-score-slide.png)." }.MustBeWritableFolder("the previews");
        var models = new ModelLoading();
        var config = new Option<FileInfo?>("--config") { Description = "Extra JSON configuration file (the index is in EdgeRuntime:Processing:TaskStateDirectory/retrieval-index)." };
        var fleet = new FleetSearchOptions();
        var command = new Command("search", "Search the retrieval index of the box's indexed tiles by text, by image, or by a region of an indexed slide (its own tiles left out); embeddings of the active (or --model) model only. Exits 1 when that model has nothing indexed yet.")
        {
            text, image, slide, box, top, exact, json, preview, models.Model, config, fleet.Fleet, fleet.Deadline, fleet.User,
        };
        command.SetAction((parse, cancellationToken) => output.GuardAsync(async () =>
        {
            var settings = EdgertSettings.Load(parse.GetValue(config)?.FullName);
            models.Apply(parse, settings);
            var words = parse.GetValue(text);
            var imageFile = parse.GetValue(image);
            var slideId = parse.GetValue(slide);
            var ways = new[] { words is not null, imageFile is not null, slideId is not null }.Count(w => w);
            if (ways != 1)
            {
                throw new SettingsException(["Give exactly one query: text, --image FILE, or --slide ID --box x,y,w,h."]);
            }

            if (parse.GetValue(fleet.Fleet))
            {
                return await fleet.RunAsync(parse, settings, words, slideId, slideId is null ? null : ParseBox(parse.GetValue(box)), imageFile is not null, parse.GetValue(top), parse.GetValue(exact), parse.GetValue(json), output, cancellationToken);
            }

            using var logging = ModelLoading.Logging(output.Error);
            var model = await SlideRunner.LoadModelAsync(settings, logging.CreateLogger("edgert"), cancellationToken);

            // The container owns the model (in its swap slot, whose text tower answers a text query) and the index task.
            await using var services = SlideRunner.Compose(settings, logging, model);
            SlideRunner.LoadTask(services, Task);
            var identity = model.Package.Identity;
            var body = new JsonObject { ["top"] = parse.GetValue(top), ["exact"] = parse.GetValue(exact) };
            if (words is not null)
            {
                body["text"] = words;
            }
            else if (imageFile is not null)
            {
                var capture = new QueryImageTask();
                using var scratch = new ScratchDirectory(null);
                await SlideRunner.RunAsync(services, imageFile.FullName, model, [new SlideTaskEntry(capture, "edgert", "search", string.Empty)], scratch.Path, null, null, cancellationToken);
                var vector = capture.Vector ?? throw new InvalidDataException($"{imageFile.FullName}: no tile to search with (no tissue found).");
                body["vector"] = new JsonArray(vector.Select(v => (JsonNode)v).ToArray());
                body["model"] = new JsonObject { ["id"] = identity.Id, ["version"] = identity.Version };
            }
            else
            {
                body["slide"] = slideId;
                body["box"] = ParseBox(parse.GetValue(box));
                body["model"] = new JsonObject { ["id"] = identity.Id, ["version"] = identity.Version };
            }

            var answer = await services.GetRequiredService<RequestDispatcher>().DispatchAsync(new Request(RegisteredRequest.TaskRequestName(Task, "search"), body, CallerRole.ReadOnly, "cli", "cli"), cancellationToken);
            if (answer["ok"]?.GetValue<bool>() != true)
            {
                output.Error.WriteLine($"edgert: {answer["reason"]}");
                return ExitCodes.InputError;
            }

            // An empty index answers no hits, which a script must not read as "nothing matched": exit 1, naming the
            // model and the folder where its index would be.
            if (answer["empty"] is not null)
            {
                var indexFolder = Path.GetFullPath(Path.Combine(settings.Processing.TaskStateDirectory, answer["indexFolder"]!.GetValue<string>()));
                output.Error.WriteLine($"edgert: nothing has been indexed yet for model {answer["model"]!["id"]} {answer["model"]!["version"]}: its index folder {indexFolder} holds no slide. Slides are indexed when the service (or edgert process) runs the retrieval-index task on them.");
                if (parse.GetValue(json))
                {
                    output.Out.WriteLine(answer.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
                }

                return ExitCodes.InputError;
            }

            if (parse.GetValue(preview) is { } folder)
            {
                Preview(settings, answer["hits"]!.AsArray(), folder.FullName, output.Error);
            }

            output.Out.Write(parse.GetValue(json) ? answer.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + Environment.NewLine : Describe(answer));
            return ExitCodes.Success;
        }));
        return command;
    }

    internal static JsonArray ParseBox(string? text)
    {
        var parts = (text ?? string.Empty).Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length != 4 || !parts.All(p => long.TryParse(p, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)))
        {
            throw new SettingsException([$"--box must be x,y,width,height in level-0 pixels (is '{text}')."]);
        }

        return new JsonArray(parts.Select(p => (JsonNode)long.Parse(p, CultureInfo.InvariantCulture)).ToArray());
    }

    private static string Describe(JsonObject answer)
    {
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(inv, $"Model:   {answer["model"]!["id"]} {answer["model"]!["version"]}   ({answer["method"]}, {answer["tilesSearched"]} tiles)");
        if (answer["leftOut"] is { } leftOut)
        {
            text.AppendLine(inv, $"Left out: the query region's own {leftOut["tiles"]} tile(s) of slide {leftOut["slideId"]} (each would be found first, by itself).");
        }

        var rank = 0;
        foreach (var hit in answer["hits"]!.AsArray())
        {
            var b = hit!["box"]!.AsArray();
            var name = hit["fileName"]?.GetValue<string>() ?? "(file name not recorded: indexed before names were kept)";
            text.AppendLine(inv, $"{++rank,4}  {hit["score"]!.GetValue<double>(),7:0.0000}  {name}  {hit["slideId"]}  x={b[0]} y={b[1]} w={b[2]} h={b[3]}");
        }

        return text.ToString();
    }

    private static void Preview(EdgertSettings settings, JsonArray hits, string folder, TextWriter error)
    {
        Directory.CreateDirectory(folder);
        var opener = new SlideOpener(settings.Slides);
        var rank = 0;
        foreach (var hit in hits)
        {
            rank++;
            var id = hit!["slideId"]!.GetValue<string>();
            var resultFile = Path.Combine(settings.Processing.ResultsDirectory, id, "result.json");
            var file = File.Exists(resultFile) ? JsonNode.Parse(File.ReadAllText(resultFile))?["file"]?["path"]?.GetValue<string>() : null;
            if (file is null || !File.Exists(file))
            {
                error.WriteLine($"preview: slide {id}: its file is not where {resultFile} says (or there is no result there); no preview.");
                continue;
            }

            var b = hit["box"]!.AsArray().Select(v => v!.GetValue<long>()).ToArray();
            using var source = opener.Open(file);
            var (w, h) = ((int)Math.Min(b[2], source.Info.Width - b[0]), (int)Math.Min(b[3], source.Info.Height - b[1]));
            var rgb = new RgbImage(w, h);
            source.ReadRegion(0, b[0], b[1], w, h, rgb.Pixels);
            var score = hit["score"]!.GetValue<double>().ToString("0.000", CultureInfo.InvariantCulture);
            PngFile.WriteAtomically(Path.Combine(folder, $"{rank:000}-{score}-{id}.png"), PngFile.Encode(rgb));
        }
    }
}
