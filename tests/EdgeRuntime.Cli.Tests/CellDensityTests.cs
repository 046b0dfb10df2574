using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeRuntime.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace EdgeRuntime.Cli.Tests;

/// <summary>
/// Cells per mm² of each tissue class (issue 26 §2: lymphocytes per mm² of tumour stroma), where the zero-shot
/// segmentation task draws a tissue map of the same slide: `edgert process` on the UNI twin with a prototype set serving
/// segmentation and a synthetic head (25 known nuclei per tile). The expected figures are computed here from the run's
/// own files, independently of the join: each cell of cells.csv.gz placed on the segmentation mask (read by Pillow),
/// over the areas the segmentation task itself reports.
/// </summary>
public sealed class CellDensityTests(ITestOutputHelper log) : IDisposable
{
    private const int Tile = 224; // level-0 pixels per tile: the model's 224 px at 0.5 µm/px on a 0.5 µm/px slide

    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Cells_are_counted_per_mm2_of_each_tissue_class_of_the_segmentation_map()
    {
        var uni = FamilyTwins.Package("uni");
        var head = SyntheticCellHeads.Write(temp.File("head"), uni, "nuclei", "1.0.0", ["lymphocyte", "tumour"]);
        var prototypes = WritePrototypes(temp.File("tissue.json"));
        using var slide = new TextureSlide(5 * Tile, 3 * Tile, [("brick", 0, 0, 2 * Tile, 3 * Tile), ("grass", 2 * Tile, 0, 5 * Tile, 3 * Tile)]);
        var config = temp.File("config.json");
        File.WriteAllText(config, JsonSerializer.Serialize(new
        {
            EdgeRuntime = new
            {
                ZeroShot = new { TextEmbeddingCache = temp.File("cache") },
                Inference = new { ExecutionProviders = new[] { "CPU" } },
                Tissue = new { Detector = "none" },
                Tiling = new { Overlap = 32 },
                Plugins = new { Tasks = "zero-shot-segmentation/1.0.0", ActiveFile = temp.File("active.json") },
                Processing = new
                {
                    CellHead = head,
                    TaskPrototypeSets = new Dictionary<string, string> { ["zero-shot-segmentation"] = prototypes },
                    TaskTimeoutSeconds = 1800,
                },
            },
        }));
        var results = temp.File("results");
        var (code, output, error) = Edgert.Run("process", slide.Path, "-m", uni, "--out", results, "--config", config);
        Assert.True(code == 0, error);
        ResultSchema.Validate(output);
        var result = JsonNode.Parse(output)!;
        var folder = Path.Combine(results, result["slideId"]!.GetValue<string>());
        var cells = result["tasks"]!["cells"]!["output"]!;
        var segmentation = result["tasks"]!["zero-shot-segmentation"]!["output"]!;
        var tissue = cells["tissueClasses"]!;
        log.WriteLine(tissue.ToJsonString());
        Assert.Equal("zero-shot-segmentation", tissue["map"]!.GetValue<string>());

        // The mask, one pixel per map cell (index = class + 1), and every kept cell.
        var mask = segmentation["mask"]!;
        var png = JsonNode.Parse(ExternalTool.Python(
            "import sys, json; from PIL import Image; im = Image.open(sys.argv[1]); print(json.dumps({'size': im.size, 'pixels': list(im.getdata())}))",
            Path.Combine(folder, mask["file"]!.GetValue<string>())))!;
        var width = png["size"]![0]!.GetValue<int>();
        var pixels = png["pixels"]!.AsArray().Select(p => p!.GetValue<int>()).ToArray();
        var (cellX, cellY) = (mask["cellLevel0Pixels"]![0]!.GetValue<double>(), mask["cellLevel0Pixels"]![1]!.GetValue<double>());
        var table = ReadTable(Path.Combine(folder, "cells.csv.gz"));
        Assert.Equal(cells["cells"]!.GetValue<long>(), table.Count);
        Assert.True(table.Count >= 15 * SyntheticCellHeads.NucleiPerTile / 2, $"{table.Count} cells");

        var tissueNames = segmentation["classes"]!.AsArray().Select(c => c!["class"]!.GetValue<string>()).ToList();
        var reported = tissue["classes"]!.AsArray();
        Assert.Equal(tissueNames, reported.Select(c => c!["name"]!.GetValue<string>()));
        var counted = 0L;
        for (var k = 0; k < tissueNames.Count; k++)
        {
            var inClass = table.Where(c => pixels[((int)(c.Y / cellY) * width) + (int)(c.X / cellX)] == k + 1).ToList();
            var area = segmentation["classes"]![k]!["areaMm2"]!.GetValue<double>();
            var entry = reported[k]!;
            Assert.Equal(area, entry["areaMm2"]!.GetValue<double>(), 6);
            Assert.Equal(inClass.Count, entry["cells"]!.GetValue<long>());
            counted += inClass.Count;
            foreach (var cellClass in new[] { "lymphocyte", "tumour" })
            {
                var n = inClass.Count(c => c.Class == cellClass);
                var perClass = entry["classes"]!.AsArray().Single(c => c!["name"]!.GetValue<string>() == cellClass)!;
                Assert.Equal(n, perClass["count"]!.GetValue<long>());
                if (area > 0)
                {
                    Assert.Equal(Math.Round(n / area, 2), perClass["perMm2"]!.GetValue<double>(), 2);
                }
            }

            log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{tissueNames[k]}: {area} mm², {inClass.Count} cells, {entry["cellsPerMm2"]} /mm²"));
        }

        // Every cell lies in some tissue class: the map covers every tile, and cells are found only in tiles.
        Assert.Equal(table.Count, counted);
        Assert.Contains(reported, c => c!["cells"]!.GetValue<long>() > 0);
    }

    [Fact]
    public void Without_a_tissue_map_the_cells_have_no_tissue_classes()
    {
        var uni = FamilyTwins.Package("uni");
        var head = SyntheticCellHeads.Write(temp.File("head"), uni, "nuclei", "1.0.0", ["lymphocyte"]);
        using var slide = new TextureSlide(2 * Tile, Tile, [("brick", 0, 0, 2 * Tile, Tile)]);
        var config = temp.File("config.json");
        File.WriteAllText(config, JsonSerializer.Serialize(new
        {
            EdgeRuntime = new
            {
                ZeroShot = new { TextEmbeddingCache = temp.File("cache") },
                Inference = new { ExecutionProviders = new[] { "CPU" } },
                Tissue = new { Detector = "none" },
                Plugins = new { Tasks = "", ActiveFile = temp.File("active.json") },
                Processing = new { CellHead = head, TaskTimeoutSeconds = 1800 },
            },
        }));
        var (code, output, error) = Edgert.Run("process", slide.Path, "-m", uni, "--out", temp.File("results"), "--config", config);
        Assert.True(code == 0, error);
        var cells = JsonNode.Parse(output)!["tasks"]!["cells"]!["output"]!;
        Assert.Equal(2 * SyntheticCellHeads.NucleiPerTile, cells["cells"]!.GetValue<long>());
        Assert.True(cells.AsObject().ContainsKey("tissueClasses"));
        Assert.Null(cells["tissueClasses"]);
    }

    // Two classes along one direction of the twin's embedding space: tiles fall on either side.
    private static string WritePrototypes(string path)
    {
        var axis = Enumerable.Range(0, 32).Select(i => i == 0 ? 1.0 : 0.0).ToArray();
        File.WriteAllText(path, new JsonObject
        {
            ["schemaVersion"] = 1,
            ["id"] = "tissue",
            ["version"] = "1.0.0",
            ["modelId"] = "uni",
            ["classes"] = new JsonArray(
                new JsonObject { ["name"] = "tumour stroma", ["embedding"] = new JsonArray([.. axis.Select(v => (JsonNode)v)]) },
                new JsonObject { ["name"] = "tumour", ["embedding"] = new JsonArray([.. axis.Select(v => (JsonNode)(-v))]) }),
        }.ToJsonString());
        return path;
    }

    private static List<(double X, double Y, string Class)> ReadTable(string path)
    {
        using var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress));
        var header = reader.ReadLine()!.Split(',');
        int x = Array.IndexOf(header, "x"), y = Array.IndexOf(header, "y"), c = Array.IndexOf(header, "class");
        var rows = new List<(double, double, string)>();
        while (reader.ReadLine() is { } line)
        {
            var f = line.Split(',');
            rows.Add((double.Parse(f[x], CultureInfo.InvariantCulture), double.Parse(f[y], CultureInfo.InvariantCulture), f[c]));
        }

        return rows;
    }
}
