using System.Diagnostics;
using EdgeRuntime.Abstractions.Tasks;
using EdgeRuntime.Cases;
using EdgeRuntime.Engine.Encoding;
using EdgeRuntime.Engine.Models;
using EdgeRuntime.Foundation.Diagnostics;
using EdgeRuntime.Inference.Onnx;
using EdgeRuntime.Inference.Preprocessing;
using EdgeRuntime.Slides.Pixels;
using EdgeRuntime.Slides.Reading;
using EdgeRuntime.Tiling;
using EdgeRuntime.Tiling.Grid;
using EdgeRuntime.Tiling.Rendering;
using EdgeRuntime.Tiling.Tissue;
using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Engine.Running;

/// <summary>
/// The one headless slide run that every entry point uses (the service, <c>edgert process</c>, <c>tag</c>,
/// <c>embed</c>): open → tissue (the configured detector) → grid at the model's resolution → the image encoder,
/// once → every task's run gets each batch → the tasks complete → the overlay from the first task that classified
/// tiles. It writes only into the caller's output folder and returns a typed <see cref="SlideRun"/>; what to do
/// with it (a result document committed atomically, a table on the terminal) is the caller's.
/// </summary>
public sealed class SlideEngine(
    SlideOpener opener,
    TissueDetectionOptions tissue,
    TilingOptions tiling,
    EncodingOptions encoding,
    EngineOptions processing,
    IEncoderMetrics metrics,
    ILoggerFactory loggers,
    CaseReader? cases = null)
{
    private static readonly IReadOnlyDictionary<string, string> NoSettings = new Dictionary<string, string>();

    // Every slide this pipeline runs at once takes turns at the encoder, oldest first (Processing:SlidesInFlight).
    private readonly EncoderTurns turns = new();

    /// <summary>Runs one slide.</summary>
    /// <exception cref="EdgeRuntime.Slides.SlideException">The slide cannot be read; the message names the file.</exception>
    public async Task<SlideRun> RunAsync(SlideRunInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var model = input.Model;
        var total = Stopwatch.StartNew();
        var clock = Stopwatch.StartNew();
        var opening = StartupPhases.Begin("slide: open, case");
        using var slide = opener.Open(input.Path);
        // Which case it belongs to, while the file is open: its label image and properties are read once.
        var slideCase = cases?.Read(input.Path, slide) ?? SlideCase.NotRead;
        var openMs = clock.Elapsed.TotalMilliseconds;
        opening?.Dispose();
        var tissuePhase = StartupPhases.Begin("slide: tissue mask and grid");

        clock.Restart();
        var tiler = new SlideTiler(tissue, ModelTiling.For(model.Package.Manifest, tiling, input.TargetMicronsPerPixel));
        var plan = tiler.Plan(slide);
        var outcome = SlideOutcome.Of(plan, plan.WholeImage ? null : BrightfieldCheck.Of(slide, tissue), tissue);
        var tissueMs = clock.Elapsed.TotalMilliseconds;
        tissuePhase?.Dispose();
        var detector = plan.WholeImage ? "none (whole image)" : tiler.DetectorName;
        if (!outcome.RunsTasks)
        {
            // Nothing for a task to speak about: no task starts, so no tags, classes or areas, and no overlay.
            var skipped = input.Tasks.Select(t => new TaskOutcome(t.Task.Name, null, null) { SkippedReason = outcome.Reason }).ToList();
            var none = new SlideRunTimings(openMs, tissueMs, 0, 0, total.Elapsed.TotalMilliseconds);
            return new SlideRun(input.SlideId, input.Path, slide.Info, plan, TileReader.LevelFor(slide, plan.Grid), detector, model, input.Tasks, skipped, null, none) { Outcome = outcome, Case = slideCase };
        }

        clock.Restart();
        var grid = plan.Grid;
        var level = TileReader.LevelFor(slide, grid);
        var gridInfo = new TileGridInfo(grid.Tiles.Count, grid.TileSize, (long)Math.Round(grid.TileWidthLevel0), level, grid.TargetMicronsPerPixel)
        {
            Columns = grid.Columns,
            Rows = grid.Rows,
            TileHeightLevel0 = (long)Math.Round(grid.TileHeightLevel0),
            StrideLevel0 = grid.TileWidthLevel0 * (grid.TileSize - grid.Overlap) / grid.TileSize,
            StrideYLevel0 = grid.TileHeightLevel0 * (grid.TileSize - grid.Overlap) / grid.TileSize,
            Overlap = grid.Overlap,
        };
        // The cell task joins the plugins' tasks when the model runs a cell head; it reads the same encoder pass, and
        // the head is the one the slide's lease on the model holds, whatever is swapped meanwhile.
        var tasks = input.Tasks.Select(t => t.Task).ToList();
        var cellTask = model.CellHead is { } head ? new Cells.CellTask(head) : null;
        if (cellTask is not null)
        {
            tasks.Add(cellTask);
        }

        var starting = StartupPhases.Begin("slide: tasks start");
        var taskRuns = await TaskRuns.StartAsync(tasks, slide.Info, name => new SlideTaskContext
        {
            SlideId = input.SlideId,
            Model = model.Package.Identity,
            TextEncoder = new OnnxTextEncoder(model.Package),
            Classes = model.ClassesFor(name),
            ClassSet = model.ClassSetFor(name),
            Logger = loggers.CreateLogger($"EdgeRuntime.Tasks.{name}"),
            Grid = gridInfo,
            OutputDirectory = input.OutputDirectory,
            StateDirectory = StateDirectory(name),
            Settings = processing.TaskSettings.TryGetValue(name, out var settings) ? settings : NoSettings,
        }, TimeSpan.FromSeconds(processing.TaskTimeoutSeconds), cancellationToken).ConfigureAwait(false);
        starting?.Dispose();
        await using (taskRuns.ConfigureAwait(false))
        {
            var encoder = new TimedEncoder(model.Encoder, metrics);
            ValueTask Consume(Abstractions.Embeddings.EmbeddingBatch batch, CancellationToken token) => new(taskRuns.OnBatchAsync(batch, token));
            if (plan.WholeImage)
            {
                await WholeImageEncoding.RunAsync(input.SlideId, slide, grid, new ClipImagePreprocessor(model.Package.Manifest.Preprocessing), encoder, turns, Consume, input.Progress, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await new TiledEncoding(encoding, turns).RunAsync(input.SlideId, slide, grid, encoder, Consume, input.Progress, cancellationToken).ConfigureAwait(false);
            }

            var outcomes = await taskRuns.CompleteAsync(cancellationToken).ConfigureAwait(false);
            JoinCellsWithTissueMap(cellTask, taskRuns.FirstClassMap(), outcomes);
            var encodeMs = clock.Elapsed.TotalMilliseconds;

            clock.Restart();
            using var drawing = StartupPhases.Begin("slide: overlay");
            var overlay = input.DrawOverlay ? WriteOverlay(slide, grid, taskRuns.FirstClassMap(), input.OutputDirectory) : null;
            var timings = new SlideRunTimings(openMs, tissueMs, encodeMs, clock.Elapsed.TotalMilliseconds, total.Elapsed.TotalMilliseconds);
            return new SlideRun(input.SlideId, input.Path, slide.Info, plan, level, detector, model, input.Tasks, outcomes, overlay, timings) { Outcome = outcome, Case = slideCase };
        }
    }

    // Where a task drew a tissue map (zero-shot segmentation), the cells are counted per tissue class: both are
    // complete only now, and neither task knows the other.
    private static void JoinCellsWithTissueMap(Cells.CellTask? cellTask, (string Task, ITileClassMap Map)? classMap, IReadOnlyList<TaskOutcome> outcomes)
    {
        if (cellTask?.Run is { } run && classMap is { Map: ICellClassMap tissue } found
            && outcomes.FirstOrDefault(o => o.Task == Cells.CellTask.TaskName)?.Output is { } output)
        {
            output["tissueClasses"] = run.JoinTissueMap(tissue, found.Task);
        }
    }

    // Named, not made: most tasks keep no state, and those that do create it when they first write.
    private string StateDirectory(string taskName) => Path.GetFullPath(Path.Combine(processing.TaskStateDirectory, taskName));

    // The chosen task's map is drawn over the thumbnail (cells where it has them, else tiles); tasks need no image library.
    private OverlayFile? WriteOverlay(ISlide slide, TileGrid grid, (string Task, ITileClassMap Map)? classMap, string directory)
    {
        if (classMap is not { } found)
        {
            return null;
        }

        var regions = new List<ClassRegion>();
        if (found.Map is ICellClassMap cells)
        {
            for (var y = 0; y < cells.Rows; y++)
            {
                for (var x = 0; x < cells.Columns; x++)
                {
                    regions.Add(new ClassRegion(x * cells.CellWidthLevel0, y * cells.CellHeightLevel0, cells.CellWidthLevel0, cells.CellHeightLevel0, cells.ClassOfCell(x, y)));
                }
            }
        }
        else
        {
            // Each tile is drawn on its stride cell (the last column and row to the tile's far edge), not its box:
            // boxes are rounded to whole pixels at a fractional stride and leave one-pixel gaps between them, and
            // overlapping boxes would cover each other; the cells meet exactly.
            var strideX = grid.TileWidthLevel0 * (grid.TileSize - grid.Overlap) / grid.TileSize;
            var strideY = grid.TileHeightLevel0 * (grid.TileSize - grid.Overlap) / grid.TileSize;
            for (var i = 0; i < grid.Tiles.Count; i++)
            {
                var t = grid.Tiles[i];
                var (x0, x1) = Cell(t.Column, grid.Columns, strideX, t.Box.X, t.Box.Width);
                var (y0, y1) = Cell(t.Row, grid.Rows, strideY, t.Box.Y, t.Box.Height);
                regions.Add(new ClassRegion(x0, y0, x1 - x0, y1 - y0, found.Map.ClassOf(i)));
            }
        }

        var (width, height) = SlideDownsampler.FitLongSide(slide.Info.Width, slide.Info.Height, processing.OverlaySize);
        var thumbnail = SlideDownsampler.Read(slide, width, height);
        PngFile.WriteAtomically(Path.Combine(directory, "overlay.png"), ClassMapOverlay.RenderPng(thumbnail, slide.Info.Width, slide.Info.Height, regions, found.Map.ClassNames));
        return new OverlayFile("overlay.png", found.Task);
    }

    private static (double Start, double End) Cell(int index, int count, double stride, long boxStart, long boxSize) =>
        (index == 0 ? boxStart : index * stride, index == count - 1 ? boxStart + boxSize : (index + 1) * stride);
}
