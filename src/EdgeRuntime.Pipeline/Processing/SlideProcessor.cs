using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeRuntime.Abstractions.Slides;
using EdgeRuntime.Abstractions.Tasks;
using EdgeRuntime.Inference.Onnx;
using EdgeRuntime.Pipeline.Encoding;
using EdgeRuntime.Pipeline.Results;
using EdgeRuntime.Slides.Pixels;
using EdgeRuntime.Slides.Reading;
using EdgeRuntime.Tiling;
using EdgeRuntime.Tiling.Grid;
using EdgeRuntime.Tiling.Rendering;
using EdgeRuntime.Tiling.Tissue;

namespace EdgeRuntime.Pipeline.Processing;

/// <summary>
/// One slide from file to results: open, find tissue, tile at the model's resolution, stream tiles through the
/// encoder once, hand every batch of embeddings to the active task plugins (zero-shot tagging, features...), then
/// write result.json with each task's output, and overlay.png from the first task that classified tiles, all
/// committed atomically. The same code serves the service and <c>edgert process</c>.
/// </summary>
public sealed class SlideProcessor(
    SlideOpener opener,
    TissueDetectionOptions tissue,
    TilingOptions tiling,
    EncodingOptions encoding,
    ProcessingOptions processing,
    ModelProvider models,
    ServiceMetrics metrics,
    TaskProvider tasks)
{
    /// <summary>Version of the result document's shape (2: tags and the tile table moved into the zero-shot tagging task's output).</summary>
    public const int ResultSchemaVersion = 2;

    private static readonly IReadOnlyDictionary<string, string> Empty = new Dictionary<string, string>();

    private static readonly string RuntimeVersion =
        typeof(SlideProcessor).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>Processes <paramref name="path"/> as slide <paramref name="slideId"/>.</summary>
    /// <exception cref="EdgeRuntime.Slides.SlideException">The slide cannot be read; the message names the file.</exception>
    public async Task<SlideResult> ProcessAsync(string slideId, string path, IProgress<EncodingProgress>? progress, CancellationToken cancellationToken)
    {
        // The slide keeps the model and the tasks it starts with, even if an admin swaps them meanwhile.
        using var lease = models.Acquire();
        using var taskLease = tasks.Acquire();
        var model = lease.Value;
        var total = Stopwatch.StartNew();
        var clock = Stopwatch.StartNew();
        using var slide = opener.Open(path);
        var openMs = clock.Elapsed.TotalMilliseconds;

        clock.Restart();
        var gridOptions = ModelTiling.For(model.Package.Manifest, tiling);
        var plan = new SlideTiler(new SaturationTissueDetector(tissue), new TileGridBuilder(gridOptions)).Plan(slide);
        var tissueMs = clock.Elapsed.TotalMilliseconds;

        var output = new ResultDirectory(processing.ResultsDirectory, slideId);
        output.Begin();
        try
        {
            clock.Restart();
            var grid = plan.Grid;
            var level = TileReader.LevelFor(slide, grid);
            var taskRuns = await SlideTaskRuns.StartAsync(taskLease.Value.Tasks.Select(t => t.Task).ToList(), slide.Info, name => new SlideTaskContext
            {
                SlideId = slideId,
                Model = model.Package.Identity,
                TextEncoder = new OnnxTextEncoder(model.Package),
                Classes = model.ClassesFor(name),
                Grid = new TileGridInfo(grid.Tiles.Count, grid.TileSize, (long)Math.Round(grid.TileWidthLevel0), level, grid.TargetMicronsPerPixel),
                OutputDirectory = output.Staging,
                StateDirectory = StateDirectory(name),
                Settings = processing.TaskSettings.TryGetValue(name, out var settings) ? settings : Empty,
            }, TimeSpan.FromSeconds(processing.TaskTimeoutSeconds), cancellationToken).ConfigureAwait(false);
            JsonObject document;
            await using (taskRuns.ConfigureAwait(false))
            {
                await new SlideEncodingPipeline(encoding).RunAsync(slideId, slide, grid, new TimedEncoder(model.Encoder, metrics), (batch, token) => new ValueTask(taskRuns.OnBatchAsync(batch, token)), progress, cancellationToken).ConfigureAwait(false);
                var taskResults = await taskRuns.CompleteAsync(cancellationToken).ConfigureAwait(false);
                var encodeMs = clock.Elapsed.TotalMilliseconds;

                clock.Restart();
                var overlay = WriteOverlay(slide, grid, taskRuns.FirstClassMap(), output.Staging);
                document = Document(model, taskLease.Value, slideId, path, slide.Info, plan, overlay);
                document["tasks"] = taskResults;
                document["timings"] = new JsonObject
                {
                    ["openMs"] = Math.Round(openMs, 1),
                    ["tissueMs"] = Math.Round(tissueMs, 1),
                    ["encodeMs"] = Math.Round(encodeMs, 1),
                    ["writeMs"] = Math.Round(clock.Elapsed.TotalMilliseconds, 1),
                    ["totalMs"] = Math.Round(total.Elapsed.TotalMilliseconds, 1),
                };
                await File.WriteAllTextAsync(Path.Combine(output.Staging, "result.json"), document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), cancellationToken).ConfigureAwait(false);
            }

            output.Commit();
            return new SlideResult(slideId, document, output.Final);
        }
        catch
        {
            output.Abandon();
            throw;
        }
    }

    // Named, not made: most tasks keep no state, and those that do create it when they first write.
    private string StateDirectory(string taskName) => Path.GetFullPath(Path.Combine(processing.TaskStateDirectory, taskName));

    // The first task that classified tiles draws its map over the thumbnail; tasks need no image library.
    private JsonObject? WriteOverlay(ISlide slide, TileGrid grid, (string Task, ITileClassMap Map)? classMap, string staging)
    {
        if (classMap is not { } found)
        {
            return null;
        }

        var topClass = new int[grid.Tiles.Count];
        for (var i = 0; i < topClass.Length; i++)
        {
            topClass[i] = found.Map.ClassOf(i);
        }

        var (width, height) = SlideDownsampler.FitLongSide(slide.Info.Width, slide.Info.Height, processing.OverlaySize);
        var thumbnail = SlideDownsampler.Read(slide, width, height);
        PngFile.WriteAtomically(Path.Combine(staging, "overlay.png"), ClassMapOverlay.RenderPng(thumbnail, slide.Info.Width, slide.Info.Height, grid.Tiles, topClass, found.Map.ClassNames));
        return new JsonObject { ["file"] = "overlay.png", ["task"] = found.Task };
    }

    private static JsonObject Document(ModelRuntime model, SlideTaskSet taskSet, string slideId, string path, SlideInfo info, TilingPlan plan, JsonObject? overlay)
    {
        var file = new FileInfo(path);
        var m = model.Package;
        return new JsonObject
        {
            ["schemaVersion"] = ResultSchemaVersion,
            ["slideId"] = slideId,
            ["file"] = new JsonObject { ["name"] = file.Name, ["path"] = file.FullName, ["size"] = file.Exists ? file.Length : null },
            ["format"] = info.Format,
            ["reader"] = info.Reader,
            ["width"] = info.Width,
            ["height"] = info.Height,
            ["resolution"] = new JsonObject
            {
                ["micronsPerPixelX"] = info.Resolution.MicronsPerPixelX,
                ["micronsPerPixelY"] = info.Resolution.MicronsPerPixelY,
                ["source"] = info.Resolution.Source.ToString(),
            },
            ["properties"] = SelectedProperties(info.Properties),
            ["tissue"] = new JsonObject { ["fraction"] = plan.Mask.TissueFraction },
            ["tiles"] = new JsonObject
            {
                ["kept"] = plan.Grid.Tiles.Count,
                ["candidates"] = plan.Grid.Candidates,
            },
            ["overlay"] = overlay,
            ["provenance"] = new JsonObject
            {
                ["runtimeVersion"] = RuntimeVersion,
                ["processedAt"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
                ["host"] = Environment.MachineName,
                ["model"] = new JsonObject { ["id"] = m.Identity.Id, ["version"] = m.Identity.Version, ["sha256"] = m.Identity.Sha256, ["name"] = m.Manifest.Name },
                ["prompts"] = new JsonObject { ["id"] = model.Prompts.Set.Id, ["version"] = model.Prompts.Set.Version, ["sha256"] = model.Prompts.Sha256 },
                ["executionProvider"] = m.ExecutionProvider,
                ["tiling"] = new JsonObject
                {
                    ["tileSize"] = plan.Grid.TileSize,
                    ["targetMicronsPerPixel"] = plan.Grid.TargetMicronsPerPixel,
                    ["overlap"] = plan.Grid.Overlap,
                    ["minTissueFraction"] = plan.Grid.MinTissueFraction,
                },
                ["tasks"] = new JsonArray(taskSet.Tasks.Select(t => (JsonNode)new JsonObject
                {
                    ["name"] = t.Task.Name,
                    ["plugin"] = t.Plugin,
                    ["version"] = t.Version,
                    ["sha256"] = t.Sha256,
                }).ToArray()),
            },
        };
    }

    // What a LIS needs to match a result to a case, without the hundreds of vendor keys some formats carry.
    private static JsonObject SelectedProperties(IReadOnlyDictionary<string, string> p)
    {
        var selected = new JsonObject();
        foreach (var (key, name) in new[]
        {
            ("openslide.vendor", "vendor"), ("openslide.objective-power", "objectivePower"), ("openslide.mpp-x", "mppX"),
            ("openslide.quickhash-1", "quickhash"), ("aperio.Barcode", "barcode"), ("aperio.ScanScope ID", "scannerId"),
            ("aperio.Date", "scanDate"), ("hamamatsu.Product", "scanner"), ("hamamatsu.Created", "scanDate"), ("mirax.GENERAL.SLIDE_ID", "slideLabelId"),
        })
        {
            if (p.TryGetValue(key, out var value) && !selected.ContainsKey(name))
            {
                selected[name] = value;
            }
        }

        return selected;
    }
}
