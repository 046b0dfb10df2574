using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeRuntime.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace EdgeRuntime.Cli.Tests;

/// <summary>
/// The retrieval index with the texture test model: slides of known textures indexed by `edgert process`, searched
/// by text, by an image cut from a slide, and by a region; approximate against exact; delete; state on disk.
/// </summary>
public sealed class RetrievalTests(ITestOutputHelper log) : IDisposable
{
    private const int Tile = 224;

    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Indexed_tiles_are_found_by_text_image_and_region_and_deleted_by_an_admin_only()
    {
        // Three slides of 8 × 6 tiles: brick | grass; gravel; ihc.
        using var first = new TextureSlide(8 * Tile, 6 * Tile, [("brick", 0, 0, 4 * Tile, 6 * Tile), ("grass", 4 * Tile, 0, 8 * Tile, 6 * Tile)], "first.tiff");
        using var second = new TextureSlide(8 * Tile, 6 * Tile, [("gravel", 0, 0, 8 * Tile, 6 * Tile)], "second.tiff");
        using var third = new TextureSlide(8 * Tile, 6 * Tile, [("ihc", 0, 0, 8 * Tile, 6 * Tile)], "third.tiff");
        // A low threshold, so that the HNSW graph answers here and can be compared with the exact scan.
        var config = Config(approximateAbove: 100);
        var ids = new[] { first, second, third }.Select(s => Process(s, config)).ToArray();

        // Text: the model's text tower; gravel's tiles are all on the second slide.
        var byText = Search(config, "a photo of gravel", "--top", "20", "--exact");
        Assert.Equal(144, byText["tilesSearched"]!.GetValue<int>());
        Assert.All(Hits(byText), h => Assert.Equal(ids[1], h.Slide));

        var grass = Search(config, "grass", "--top", "24", "--exact");
        Assert.All(Hits(grass), h => Assert.True(h.Slide == ids[0] && h.Box[0] >= 4 * Tile, $"a grass hit at {h.Slide} {h.Box[0]}"));

        // Image: a tile cut from the first slide by vips (not our reader) finds that very tile first.
        var crop = temp.File("query.png");
        ExternalTool.Run("vips", ["crop", first.Path, crop, (5 * Tile).ToString(CultureInfo.InvariantCulture), (2 * Tile).ToString(CultureInfo.InvariantCulture), Tile.ToString(CultureInfo.InvariantCulture), Tile.ToString(CultureInfo.InvariantCulture)]);
        var byImage = Hits(Search(config, "--image", crop, "--top", "5", "--exact"));
        Assert.Equal(ids[0], byImage[0].Slide);
        Assert.Equal(new long[] { 5 * Tile, 2 * Tile, Tile, Tile }, byImage[0].Box);
        Assert.True(byImage[0].Score > 0.99, $"score {byImage[0].Score}");

        // Region of an indexed slide: its own tile is left out (it would be first, with a cosine of 1, telling
        // nothing), and the answer says so; the best hits are its neighbours of the same texture.
        var region = Search(config, "--slide", ids[2], "--box", $"{3 * Tile},{Tile},{Tile},{Tile}", "--top", "3", "--exact");
        var byRegion = Hits(region);
        Assert.Equal(1, region["leftOut"]!["tiles"]!.GetValue<int>());
        Assert.Equal(ids[2], region["leftOut"]!["slideId"]!.GetValue<string>());
        Assert.Equal(3, byRegion.Count);
        Assert.DoesNotContain(byRegion, h => h.Slide == ids[2] && h.Box.SequenceEqual(new long[] { 3 * Tile, Tile, Tile, Tile }));
        Assert.All(byRegion, h => Assert.Equal(ids[2], h.Slide));
        var (regionCode, regionText, regionError) = Edgert.Run("search", "--slide", ids[2], "--box", $"{3 * Tile},{Tile},{Tile},{Tile}", "--top", "3", "--exact", "--config", config);
        Assert.True(regionCode == 0, regionError);
        Assert.Contains($"Left out: the query region's own 1 tile(s) of slide {ids[2]}", regionText, StringComparison.Ordinal);

        // Every hit names its slide's file as it was dropped, from the index's own record of it.
        Assert.All(Hits(grass), h => Assert.Equal("first.tiff", FileName(grass, h.Slide)));
        Assert.All(byRegion, h => Assert.Equal("third.tiff", FileName(region, h.Slide)));
        Assert.Contains(" third.tiff ", regionText, StringComparison.Ordinal);

        // Approximate (HNSW) against exact on these real tile embeddings: recall@10 over a query per slide region.
        double found = 0, wanted = 0;
        foreach (var text in new[] { "brick", "grass", "gravel", "immunohistochemistry", "a lawn", "pebbles" })
        {
            var exact = Hits(Search(config, text, "--top", "10", "--exact")).Select(h => (h.Slide, h.Box[0], h.Box[1])).ToHashSet();
            var approximate = Search(config, text, "--top", "10");
            Assert.StartsWith("approximate", approximate["method"]!.GetValue<string>(), StringComparison.Ordinal);
            found += Hits(approximate).Count(h => exact.Contains((h.Slide, h.Box[0], h.Box[1])));
            wanted += exact.Count;
        }

        log.WriteLine($"recall@10 of HNSW against exact on 144 real tile embeddings: {found / wanted:0.000}");
        Assert.True(found / wanted >= 0.95, $"recall@10 {found / wanted:0.000}");

        // Preview: the hits' tiles as PNGs, read from where each result says its slide is.
        var previews = temp.File("previews");
        Assert.NotEmpty(Hits(Search(config, "a brick wall", "--top", "3", "--preview", previews)));
        Assert.Equal(3, Directory.GetFiles(previews, "*.png").Length);

        // Delete: refused to a read-only caller, done for an admin; the slide's tiles are gone for the next process.
        var body = new JsonObject { ["slide"] = ids[1] }.ToJsonString();
        var (code, _, error) = Edgert.Run("tasks", "request", "retrieval-index", "delete", "--body", body, "--role", "read-only", "--config", config);
        Assert.Equal(1, code);
        Assert.Contains("admin", error, StringComparison.OrdinalIgnoreCase);
        (code, _, error) = Edgert.Run("tasks", "request", "retrieval-index", "delete", "--body", body, "--config", config);
        Assert.True(code == 0, error);
        var after = Search(config, "a photo of gravel", "--top", "20", "--exact");
        Assert.Equal(96, after["tilesSearched"]!.GetValue<int>());
        Assert.DoesNotContain(Hits(after), h => h.Slide == ids[1]);
    }

    [Fact]
    public void A_write_cut_short_by_a_crash_leaves_the_index_usable_and_is_cleared()
    {
        using var slide = new TextureSlide(4 * Tile, 4 * Tile, [("brick", 0, 0, 4 * Tile, 4 * Tile)]);
        var config = Config(approximateAbove: 1_000_000);
        var id = Process(slide, config);
        var folder = Directory.GetDirectories(Path.Combine(temp.File("state"), "retrieval-index", TestModel.Id)).Single();
        // What a crash in the middle of writing another slide leaves: its .part file, half written.
        var part = Path.Combine(folder, "0123456789abcdef.tiles.part");
        File.WriteAllBytes(part, [1, 2, 3, 4, 5]);
        var (code, stdout, error) = Edgert.Run("tasks", "request", "retrieval-index", "stats", "--config", config);
        Assert.True(code == 0, error);
        var model = JsonNode.Parse(stdout)!["models"]![0]!;
        Assert.Equal(16, model["tiles"]!.GetValue<int>());
        Assert.False(File.Exists(part));
        log.WriteLine($"index size on disk: {model["bytesPer10kTiles"]} bytes per 10k tiles of {model["dimension"]} dimensions");
        Assert.Equal(id, Hits(Search(config, "bricks", "--top", "1"))[0].Slide);
    }

    [Fact]
    public void An_empty_index_exits_1_naming_the_model_and_its_folder()
    {
        var config = Config(approximateAbove: 100);
        var (code, stdout, error) = Edgert.Run("search", "grass", "--config", config);

        // Exit 1, not 0: no hits from an index with nothing in it is not "nothing matched".
        Assert.Equal(1, code);
        Assert.Empty(stdout);
        var expected = Path.Combine(temp.File("state"), "retrieval-index", TestModel.Id, ReferenceModels.Version);
        Assert.Contains($"nothing has been indexed yet for model {TestModel.Id} {ReferenceModels.Version}: its index folder {expected} holds no slide", error, StringComparison.Ordinal);

        // The answer itself (the same over MQTT) says so, with the folder relative to the node's state folder.
        (code, stdout, _) = Edgert.Run("search", "grass", "--json", "--config", config);
        Assert.Equal(1, code);
        var answer = JsonNode.Parse(stdout)!;
        Assert.Equal(0, answer["tilesSearched"]!.GetValue<int>());
        Assert.Equal(Path.Combine("retrieval-index", TestModel.Id, ReferenceModels.Version), answer["indexFolder"]!.GetValue<string>());
        Assert.StartsWith($"nothing has been indexed yet for model {TestModel.Id}", answer["empty"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private static string FileName(JsonNode answer, string slideId) =>
        answer["hits"]!.AsArray().First(h => h!["slideId"]!.GetValue<string>() == slideId)!["fileName"]!.GetValue<string>();

    private string Config(int approximateAbove) => TestModelConfig.Write(
        temp,
        $"config-{approximateAbove}.json",
        "retrieval-index/1.0.0",
        processing: new
        {
            ResultsDirectory = temp.File("results"),
            TaskStateDirectory = temp.File("state"),
            TaskSettings = new Dictionary<string, Dictionary<string, string>> { ["retrieval-index"] = new() { ["ApproximateAbove"] = approximateAbove.ToString(CultureInfo.InvariantCulture) } },
        });

    private static string Process(TextureSlide slide, string config)
    {
        var (code, output, error) = Edgert.Run("process", slide.Path, "--config", config);
        Assert.True(code == 0, error);
        ResultSchema.Validate(output);
        var result = JsonNode.Parse(output)!;
        Assert.True(result["tasks"]!["retrieval-index"]!["output"] is not null, result["tasks"]!.ToJsonString());
        return result["slideId"]!.GetValue<string>();
    }

    private static JsonNode Search(string config, params string[] args)
    {
        var (code, output, error) = Edgert.Run(["search", .. args, "--json", "--config", config]);
        Assert.True(code == 0, error);
        return JsonNode.Parse(output)!;
    }

    private static List<(string Slide, long[] Box, double Score)> Hits(JsonNode answer) =>
        answer["hits"]!.AsArray().Select(h => (h!["slideId"]!.GetValue<string>(), h["box"]!.AsArray().Select(v => v!.GetValue<long>()).ToArray(), h["score"]!.GetValue<double>())).ToList();
}
