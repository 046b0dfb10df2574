using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeRuntime.Abstractions;
using EdgeRuntime.Abstractions.Embeddings;
using EdgeRuntime.Abstractions.Slides;
using EdgeRuntime.Abstractions.Tasks;
using EdgeRuntime.TaskKit.Images;
using EdgeRuntime.TaskKit.Segmentation;
using EdgeRuntime.TaskKit.ZeroShot;

namespace EdgeRuntime.Tasks.ZeroShotSegmentation;

/// <summary>
/// Zero-shot segmentation: every tile scored against the task's class set (a prompt set, or a prototype set for
/// few-shot) as tagging scores it (logit scale × cosine, softmax); the probabilities become a class map at the grid's
/// stride, averaged where tiles overlap (a finer map with overlap). Writes <c>segmentation.png</c> (an indexed label
/// mask: index 0 no tissue, index i + 1 class i, one pixel per cell), <c>segmentation.geojson</c> (QuPath annotations
/// in level-0 pixels, holes kept), and reports each class's area in mm²; the host draws the classes over the
/// thumbnail (<c>overlay.png</c>) through <see cref="ICellClassMap"/>, cell by cell.
/// </summary>
public sealed class ZeroShotSegmentationTask : ISlideTask
{
    /// <summary>The label mask's file name.</summary>
    public const string MaskFile = "segmentation.png";

    /// <summary>The GeoJSON file's name.</summary>
    public const string GeoJsonFile = "segmentation.geojson";

    /// <inheritdoc />
    public string Name => "zero-shot-segmentation";

    /// <summary>Scores tiles against class embeddings: the prompt set's (a text tower) or a prototype set's.</summary>
    public ModelNeeds Needs => ModelNeeds.ClassTexts;

    /// <inheritdoc />
    public int ContractMajorVersion => ContractVersion.Major;

    /// <inheritdoc />
    public ValueTask<ISlideTaskRun> StartAsync(SlideInfo slide, SlideTaskContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(slide);
        ArgumentNullException.ThrowIfNull(context);
        return ValueTask.FromResult<ISlideTaskRun>(new Run(slide, context));
    }

    private sealed class Run : ISlideTaskRun, ICellClassMap
    {
        private readonly SlideInfo slide;
        private readonly SlideTaskContext context;
        private readonly ClassSet classes;
        private readonly ZeroShotClassifier classifier;
        private readonly ClassMap map;
        private readonly int[] topClass;
        private readonly double[] scores;

        public Run(SlideInfo slide, SlideTaskContext context)
        {
            this.slide = slide;
            this.context = context;
            classes = context.ClassSet;
            if (classes.Names.Count > 255)
            {
                throw new ArgumentException($"{classes.Source.Kind} set '{classes.Source.Id}' has {classes.Names.Count} classes; a label mask holds at most 255.");
            }

            classifier = new ZeroShotClassifier(classes);
            map = new ClassMap(context.Grid, classes.Names.Count, slide.Width, slide.Height);
            topClass = new int[context.Grid.Count];
            Array.Fill(topClass, -1);
            scores = new double[classes.Names.Count];
        }

        public IReadOnlyList<string> ClassNames => classes.Names;

        public int ClassOf(int tileIndex) => topClass[tileIndex];

        public int Columns => map.Columns;

        public int Rows => map.Rows;

        public double CellWidthLevel0 => map.StrideX;

        public double CellHeightLevel0 => map.StrideY;

        public int ClassOfCell(int column, int row) => map.ClassOf(column, row);

        public ValueTask OnBatchAsync(EmbeddingBatch batch, CancellationToken cancellationToken)
        {
            for (var i = 0; i < batch.Tiles.Count; i++)
            {
                classifier.Logits(batch.VectorOf(i), scores);
                ZeroShotClassifier.Softmax(scores);
                topClass[batch.Tiles[i].Index] = ZeroShotClassifier.ArgMax(scores);
                map.Add(batch.Tiles[i], scores);
            }

            return ValueTask.CompletedTask;
        }

        public ValueTask<JsonObject> CompleteAsync(CancellationToken cancellationToken)
        {
            var labels = map.Labels();
            var mask = new byte[labels.Length];
            var area = new double[classes.Names.Count];
            var cells = new int[classes.Names.Count];
            for (var y = 0; y < map.Rows; y++)
            {
                for (var x = 0; x < map.Columns; x++)
                {
                    var label = labels[(y * map.Columns) + x];
                    if (label >= 0)
                    {
                        mask[(y * map.Columns) + x] = (byte)(label + 1);
                        area[label] += map.CellArea(x, y);
                        cells[label]++;
                    }
                }
            }

            var palette = new List<(byte, byte, byte)> { (0, 0, 0) };
            palette.AddRange(Enumerable.Range(0, classes.Names.Count).Select(ClassColours.Of));
            IndexedPng.Write(Path.Combine(context.OutputDirectory, MaskFile), mask, map.Columns, map.Rows, palette, firstTransparent: true);
            var geoJson = QuPathGeoJson.Of(map, classes.Names, labels, context.SlideId);
            File.WriteAllText(Path.Combine(context.OutputDirectory, GeoJsonFile), geoJson.ToJsonString(new JsonSerializerOptions { WriteIndented = false }));

            var resolution = slide.Resolution;
            var squareMmPerPixel = resolution.MicronsPerPixelX * resolution.MicronsPerPixelY / 1e6;
            var perClass = new JsonArray();
            for (var c = 0; c < classes.Names.Count; c++)
            {
                var (r, g, b) = ClassColours.Of(c);
                perClass.Add(new JsonObject
                {
                    ["class"] = classes.Names[c],
                    ["maskIndex"] = c + 1,
                    ["color"] = new JsonArray(r, g, b),
                    ["cells"] = cells[c],
                    ["areaMm2"] = Math.Round(area[c] * squareMmPerPixel, 6),
                });
            }

            var fallback = resolution.Source == ResolutionSource.ConfiguredDefault;
            return ValueTask.FromResult(new JsonObject
            {
                ["method"] = "zero-shot tile classification, probabilities averaged over overlapping tiles",
                ["classSet"] = classes.Source.ToProvenance().ToJson(),
                ["mask"] = new JsonObject
                {
                    ["file"] = MaskFile,
                    ["width"] = map.Columns,
                    ["height"] = map.Rows,
                    ["cellLevel0Pixels"] = new JsonArray(map.StrideX, map.StrideY),
                    ["tileCells"] = map.Span,
                    ["noTissueIndex"] = 0,
                    ["palette"] = new JsonArray(palette.Select(p => (JsonNode)new JsonArray(p.Item1, p.Item2, p.Item3)).ToArray()),
                },
                ["geojson"] = GeoJsonFile,
                ["classes"] = perClass,
                ["area"] = new JsonObject
                {
                    ["micronsPerPixel"] = resolution.MicronsPerPixel,
                    ["resolutionSource"] = resolution.Source.ToString(),
                    ["note"] = fallback
                        ? string.Create(CultureInfo.InvariantCulture, $"the file states no resolution: areas assume the configured default of {resolution.MicronsPerPixel} µm/px")
                        : null,
                },
            });
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
