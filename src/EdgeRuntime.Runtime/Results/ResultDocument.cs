using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;
using EdgeRuntime.Engine.Running;

namespace EdgeRuntime.Runtime.Results;

/// <summary>The result document of a slide run (docs/result.schema.json), as the service commits and publishes it.</summary>
internal static class ResultDocument
{
    /// <summary>Version of the document's shape (2: tags and the tile table moved into the zero-shot tagging task's output).</summary>
    public const int SchemaVersion = 2;

    private static readonly string RuntimeVersion =
        typeof(ResultDocument).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>The document of <paramref name="run"/>.</summary>
    /// <param name="run">The slide run.</param>
    /// <param name="storedPath">Where the slide's file is once it is done (moved out of the inbox, or left where it arrived).</param>
    public static JsonObject Of(SlideRun run, string storedPath)
    {
        ArgumentNullException.ThrowIfNull(run);
        var file = new FileInfo(run.Path);
        var info = run.Info;
        var plan = run.Plan;
        var m = run.Model.Package;
        var tasks = new JsonObject();
        foreach (var outcome in run.Outcomes)
        {
            tasks[outcome.Task] = outcome switch
            {
                { Skipped: true } => new JsonObject { ["status"] = "skipped", ["reason"] = outcome.SkippedReason },
                { Succeeded: true } => new JsonObject { ["status"] = "ok", ["output"] = outcome.Output!.DeepClone() },
                _ => new JsonObject { ["status"] = "failed", ["error"] = outcome.Error },
            };
        }

        var t = run.Timings;
        return new JsonObject
        {
            ["schemaVersion"] = SchemaVersion,
            ["slideId"] = run.SlideId,
            // Before anything else: a slide with no tissue, or not brightfield, has no task output to read.
            ["outcome"] = run.Outcome.Status,
            ["reason"] = run.Outcome.Reason,
            // What an LIS files the result by: accession, specimen, block, slide, stain, each with its source.
            ["case"] = run.Case.ToJson(),
            // Both places: where the scanner put it (what its logs name) and where it is now (what a person opens).
            ["file"] = new JsonObject
            {
                ["name"] = file.Name,
                ["path"] = Path.GetFullPath(storedPath),
                ["arrivedPath"] = file.FullName,
                ["size"] = file.Exists ? file.Length : null,
            },
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
            ["tissue"] = new JsonObject
            {
                ["fraction"] = plan.Mask.TissueFraction,
                ["detector"] = run.TissueDetector,
                ["minSlideTiles"] = run.Outcome.MinSlideTiles,
                ["brightfield"] = run.Outcome.Stain?.Brightfield,
                ["darkShare"] = run.Outcome.Stain is { } stain ? Math.Round(stain.DarkShare, 4) : null,
                ["notBrightfield"] = run.Outcome.Stain is { Brightfield: false } flagged ? new JsonArray(flagged.Evidence.Select(e => (JsonNode)e).ToArray()) : null,
            },
            ["tiles"] = new JsonObject
            {
                ["kept"] = plan.Grid.Tiles.Count,
                ["candidates"] = plan.Grid.Candidates,
            },
            ["overlay"] = run.Overlay is { } overlay ? new JsonObject { ["file"] = overlay.File, ["task"] = overlay.Task } : null,
            ["provenance"] = new JsonObject
            {
                ["runtimeVersion"] = RuntimeVersion,
                ["processedAt"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
                ["host"] = Environment.MachineName,
                ["model"] = ModelProvenance(m),
                ["prompts"] = run.Model.Prompts.ToProvenance().ToJson(),
                ["executionProvider"] = m.ExecutionProvider,
                ["tiling"] = new JsonObject
                {
                    ["tileSize"] = plan.Grid.TileSize,
                    ["targetMicronsPerPixel"] = plan.Grid.TargetMicronsPerPixel,
                    ["overlap"] = plan.Grid.Overlap,
                    ["minTissueFraction"] = plan.Grid.MinTissueFraction,
                    ["wholeImage"] = plan.WholeImage,
                },
                // Each task's own class set too: a prototype set or a task's prompt set differs from the default one.
                ["tasks"] = new JsonArray(run.Tasks.Select(e => (JsonNode)e.ToProvenanceJson(run.Model.ClassSetFor(e.Task.Name).Source)).ToArray()),
            },
            ["tasks"] = tasks,
            ["timings"] = new JsonObject
            {
                ["openMs"] = Math.Round(t.OpenMs, 1),
                ["tissueMs"] = Math.Round(t.TissueMs, 1),
                ["encodeMs"] = Math.Round(t.EncodeMs, 1),
                ["writeMs"] = Math.Round(t.WriteMs, 1),
                ["totalMs"] = Math.Round(t.TotalMs, 1),
            },
        };
    }

    // The model's provenance record plus the precision that produced every embedding (float32, float16 or the gated
    // int8 copy, with that copy's hash), so that a validated number stays a deployed number.
    private static JsonObject ModelProvenance(EdgeRuntime.Inference.Packages.ModelPackage m)
    {
        var model = m.Identity.ToProvenance(m.Manifest.Name).ToJson();
        model["precision"] = m.Precision.Name;
        model["int8Sha256"] = m.Precision.Int8Sha256;
        return model;
    }

    // What a LIS needs to match a result to a case, without the hundreds of vendor keys some formats carry.
    private static JsonObject SelectedProperties(IReadOnlyDictionary<string, string> p)
    {
        var selected = new JsonObject();
        foreach (var (key, name) in new[]
        {
            ("openslide.vendor", "vendor"), ("openslide.objective-power", "objectivePower"), ("openslide.mpp-x", "mppX"),
            ("openslide.quickhash-1", "quickhash"), ("aperio.Barcode", "barcode"), ("aperio.ScanScope ID", "scannerId"),
            ("hamamatsu.Product", "scanner"), ("mirax.GENERAL.SLIDE_ID", "slideLabelId"),
        })
        {
            if (p.TryGetValue(key, out var value) && !selected.ContainsKey(name))
            {
                selected[name] = value;
            }
        }

        // ISO 8601 where the vendor's text reads one way only; the text as the scanner wrote it always beside it.
        if (ScanDate.Of(p) is var (raw, iso))
        {
            if (iso is not null)
            {
                selected["scanDate"] = iso;
            }

            selected["scanDateRaw"] = raw;
        }

        return selected;
    }
}
