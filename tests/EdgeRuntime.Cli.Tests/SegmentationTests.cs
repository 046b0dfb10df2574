using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeRuntime.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace EdgeRuntime.Cli.Tests;

/// <summary>
/// Zero-shot segmentation with the texture test model on a slide of known regions, through `edgert process`: the
/// mask (read back by Pillow) against the layout by Dice, the GeoJSON checked by shapely, areas against the rectangles.
/// </summary>
public sealed class SegmentationTests(ITestOutputHelper log) : IDisposable
{
    private const int Tile = 224; // level-0 pixels per tile: the model's 224 px at 0.5 µm/px on a 0.5 µm/px slide

    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    // 20 × 15 tiles. Brick on the left; gravel top right with a block of grass inside it (a hole in gravel's
    // polygon); IHC bottom right.
    private static readonly (string, long, long, long, long)[] Aligned =
    [
        ("brick", 0, 0, 8 * Tile, 15 * Tile),
        ("gravel", 8 * Tile, 0, 20 * Tile, 8 * Tile),
        ("grass", 11 * Tile, 2 * Tile, 16 * Tile, 6 * Tile),
        ("ihc", 8 * Tile, 8 * Tile, 20 * Tile, 15 * Tile),
    ];

    [Fact]
    public void Regions_on_tile_boundaries_are_found_with_their_holes_and_areas()
    {
        using var slide = new TextureSlide(20 * Tile, 15 * Tile, Aligned);
        var (result, folder) = Process(slide, overlap: 0);
        var output = result["tasks"]!["zero-shot-segmentation"]!["output"]!;
        var mask = output["mask"]!;
        Assert.Equal(20, mask["width"]!.GetValue<int>());
        Assert.Equal(15, mask["height"]!.GetValue<int>());

        var dice = Dice(slide, folder, mask);
        log.WriteLine("Dice, aligned, no overlap: " + string.Join(", ", dice.Select(d => $"{d.Key} {d.Value:0.000}")));
        // Every region is whole tiles here, so each mask cell is one tile of one texture: only a wrong tag lowers
        // Dice. 0.95 allows one wrong cell in 20 of the smallest region (grass, 20 cells).
        Assert.All(dice, d => Assert.True(d.Value >= 0.95, $"{d.Key}: Dice {d.Value:0.000}"));

        // Areas: the rectangles' own (grass painted over gravel), at 0.5 µm/px, from the mask's cells.
        var areas = output["classes"]!.AsArray().ToDictionary(c => c!["class"]!.GetValue<string>(), c => c!["areaMm2"]!.GetValue<double>());
        var expected = new Dictionary<string, double>
        {
            ["brick"] = 8 * 15,
            ["gravel"] = (12 * 8) - (5 * 4),
            ["grass"] = 5 * 4,
            ["ihc"] = 12 * 7,
        };
        foreach (var (name, tiles) in expected)
        {
            var mm2 = tiles * Math.Pow(Tile * 0.5 / 1000, 2);
            Assert.True(Math.Abs(areas[name] - mm2) <= 0.05 * mm2 + 1e-9, $"{name}: {areas[name]} mm², expected {mm2}");
        }

        Assert.Equal("TiffResolutionTags", output["area"]!["resolutionSource"]!.GetValue<string>());

        // GeoJSON: shapely (an independent geometry library) reads it, finds every geometry valid, and finds gravel's
        // hole where the grass is, all in level-0 pixels.
        var report = ExternalTool.Python(
            """
            import json, sys, uuid
            from shapely.geometry import shape
            fc = json.load(open(sys.argv[1]))
            out = {}
            for f in fc["features"]:
                g = shape(f["geometry"])
                holes = sum(len(p.interiors) for p in getattr(g, "geoms", [g]))
                out[f["properties"]["classification"]["name"]] = {"valid": g.is_valid, "area": g.area, "holes": holes,
                    "bounds": list(g.bounds), "type": fc["type"], "objectType": f["properties"]["objectType"],
                    "idVersion": uuid.UUID(f["id"]).version, "id": f["id"]}
            print(json.dumps(out))
            """,
            Path.Combine(folder, "segmentation.geojson"));
        var shapes = JsonNode.Parse(report)!.AsObject();
        log.WriteLine(report);
        Assert.All(shapes, s => Assert.True(s.Value!["valid"]!.GetValue<bool>(), $"{s.Key}: invalid geometry"));
        Assert.All(shapes, s => Assert.Equal("annotation", s.Value!["objectType"]!.GetValue<string>()));
        // QuPath reads a feature's id as a UUID: Python's uuid parses each one (RFC 9562 version 8, name-based), one per class.
        Assert.All(shapes, s => Assert.Equal(8, s.Value!["idVersion"]!.GetValue<int>()));
        Assert.Equal(shapes.Count, shapes.Select(s => s.Value!["id"]!.GetValue<string>()).Distinct().Count());
        Assert.Equal(1, shapes["gravel"]!["holes"]!.GetValue<int>());
        Assert.Equal(0, shapes["brick"]!["holes"]!.GetValue<int>());
        Assert.Equal(new[] { 0.0, 0, 8 * Tile, 15 * Tile }, shapes["brick"]!["bounds"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray());
        Assert.Equal(5.0 * 4 * Tile * Tile, shapes["grass"]!["area"]!.GetValue<double>(), 1e-6);
    }

    [Fact]
    public void Overlapping_tiles_give_a_finer_map_that_follows_boundaries_off_the_tile_grid()
    {
        // Boundaries at 1700 and 1850 px: not multiples of the tile, nor of the half-tile stride.
        (string, long, long, long, long)[] layout =
        [
            ("brick", 0, 0, 1700, 3360),
            ("gravel", 1700, 0, 4480, 1850),
            ("ihc", 1700, 1850, 4480, 3360),
        ];
        using var slide = new TextureSlide(4480, 3360, layout);
        var (result, folder) = Process(slide, overlap: Tile / 2);
        var mask = result["tasks"]!["zero-shot-segmentation"]!["output"]!["mask"]!;
        Assert.Equal(Tile / 2.0, mask["cellLevel0Pixels"]![0]!.GetValue<double>(), 1e-9);
        Assert.Equal(Tile / 2.0, mask["cellLevel0Pixels"]![1]!.GetValue<double>(), 1e-9);
        Assert.Equal(40, mask["width"]!.GetValue<int>());
        var dice = Dice(slide, folder, mask);
        log.WriteLine("Dice, off-grid boundaries, half-tile overlap: " + string.Join(", ", dice.Select(d => $"{d.Key} {d.Value:0.000}")));
        // A cell on a boundary is part one texture, part another: even with every tile tagged right, the boundary
        // can be off by half a cell (56 px) on each side. For the smallest region (2780 × 1510 px) that alone allows
        // Dice down to 0.94; 0.9 leaves some room for tags that mix textures.
        Assert.All(dice, d => Assert.True(d.Value >= 0.9, $"{d.Key}: Dice {d.Value:0.000}"));
    }

    [Fact]
    public void Edge_tiles_of_a_slide_not_a_multiple_of_the_tile_are_scored_on_the_slide_not_on_padding()
    {
        // 0.25 µm/px: the model's 224 px at 0.5 µm/px are 448 level-0 px, read from the pyramid's level 1 (a
        // downsample). 2079 × 1631 = 4 and 3 whole tiles + 287 px: a last column and row padded with white would be
        // 36 % padding (161 of 448 px). Gravel above y = 896; below it three textures side by side, the bottom row
        // of tiles lying wholly in them. Every region is whole cells of the 448 px map, so each area is exact.
        const long W = 2079, H = 1631, Band = 896;
        (string, long, long, long, long)[] layout =
        [
            ("gravel", 0, 0, W, Band),
            ("brick", 0, Band, 896, H),
            ("grass", 896, Band, 1344, H),
            ("ihc", 1344, Band, W, H),
        ];
        using var slide = new TextureSlide(W, H, layout, "edges.tiff", micronsPerPixel: 0.25);
        var (result, folder) = Process(slide, overlap: 0);
        Assert.Equal(0.25, result["resolution"]!["micronsPerPixelX"]!.GetValue<double>(), 1e-9);
        var output = result["tasks"]!["zero-shot-segmentation"]!["output"]!;
        var mask = output["mask"]!;
        Assert.Equal((5, 4), (mask["width"]!.GetValue<int>(), mask["height"]!.GetValue<int>()));

        var dice = Dice(slide, folder, mask);
        log.WriteLine("Dice, 0.25 µm/px, partial last column and row: " + string.Join(", ", dice.Select(d => $"{d.Key} {d.Value:0.000}")));
        Assert.All(dice, d => Assert.True(d.Value >= 0.95, $"{d.Key}: Dice {d.Value:0.000}"));

        // Areas by hand: the rectangles' pixels × (0.25 µm)², each slide pixel once (the shifted tiles overlap their
        // neighbours; the map does not count that twice). Gravel 2079 × 896, brick 896 × 735, grass 448 × 735,
        // ihc 735 × 735; all four add up to the slide, 2079 × 1631.
        var areas = output["classes"]!.AsArray().ToDictionary(c => c!["class"]!.GetValue<string>(), c => c!["areaMm2"]!.GetValue<double>());
        var squareMm = 0.25 * 0.25 / 1e6;
        var expected = new Dictionary<string, double>
        {
            ["gravel"] = 2079.0 * 896 * squareMm,
            ["brick"] = 896.0 * 735 * squareMm,
            ["grass"] = 448.0 * 735 * squareMm,
            ["ihc"] = 735.0 * 735 * squareMm,
        };
        foreach (var (name, mm2) in expected)
        {
            Assert.True(Math.Abs(areas[name] - mm2) <= 0.01 * mm2, $"{name}: {areas[name]} mm², expected {mm2}");
        }

        Assert.Equal(W * H * squareMm, areas.Values.Sum(), 1e-6);
    }

    private (JsonNode Result, string Folder) Process(TextureSlide slide, int overlap)
    {
        var config = TestModelConfig.Write(temp, $"config-{overlap}.json", "zero-shot-segmentation/1.0.0", tiling: new { Overlap = overlap });
        var results = temp.File($"results-{overlap}");
        var (code, output, error) = Edgert.Run("process", slide.Path, "--out", results, "--config", config);
        Assert.True(code == 0, error);
        ResultSchema.Validate(output);
        var result = JsonNode.Parse(output)!;
        var task = result["tasks"]!["zero-shot-segmentation"]!;
        Assert.True(task["output"] is not null, task.ToJsonString());
        return (result, Path.Combine(results, result["slideId"]!.GetValue<string>()));
    }

    /// <summary>Dice per class of the mask (read by Pillow) against the layout sampled at each cell's centre.</summary>
    private static Dictionary<string, double> Dice(TextureSlide slide, string folder, JsonNode mask)
    {
        var read = ExternalTool.Python(
            "import sys, json; from PIL import Image; im = Image.open(sys.argv[1]); print(json.dumps({'mode': im.mode, 'size': im.size, 'pixels': list(im.getdata())}))",
            Path.Combine(folder, mask["file"]!.GetValue<string>()));
        var png = JsonNode.Parse(read)!;
        Assert.Equal("P", png["mode"]!.GetValue<string>());
        var width = png["size"]![0]!.GetValue<int>();
        var pixels = png["pixels"]!.AsArray().Select(p => p!.GetValue<int>()).ToArray();
        var (cellX, cellY) = (mask["cellLevel0Pixels"]![0]!.GetValue<double>(), mask["cellLevel0Pixels"]![1]!.GetValue<double>());
        var names = TestModel.Classes;
        var dice = new Dictionary<string, double>();
        foreach (var name in slide.Regions.Select(r => r.Class).Distinct())
        {
            var index = names.ToList().IndexOf(name) + 1;
            double both = 0, predicted = 0, truth = 0;
            for (var i = 0; i < pixels.Length; i++)
            {
                var (x, y) = (i % width, i / width);
                var isTruth = slide.ClassAt((x + 0.5) * cellX, (y + 0.5) * cellY) == name;
                var isPredicted = pixels[i] == index;
                both += isTruth && isPredicted ? 1 : 0;
                predicted += isPredicted ? 1 : 0;
                truth += isTruth ? 1 : 0;
            }

            dice[name] = 2 * both / (predicted + truth);
        }

        return dice;
    }
}
