using System.IO.Compression;
using EdgeRuntime.Cli;
using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Service.Tests;

/// <summary>
/// `edgert tag` and `edgert embed` are front ends over the service's own pipeline and task plugins: on the same slide
/// and configuration they must produce exactly what `edgert run` publishes, compared file against file.
/// </summary>
public sealed class OneSlidePathTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(180);

    [Fact]
    public async Task Tag_and_embed_give_the_services_tile_scores_and_features_exactly()
    {
        using var temp = new TempDirectory();
        var port = Mosquitto.FreePort();
        var root = temp.File("plugins");
        Directory.CreateDirectory(Path.Combine(root, "models"));
        using var workspace = new ServiceWorkspace(port, embedded: true, pluginsRoot: root);
        var active = workspace.PathOf("state/active-plugins.json");
        Directory.CreateDirectory(Path.GetDirectoryName(active)!);
        File.WriteAllText(active, """{ "Tasks": [ { "Kind": "tasks", "Id": "zero-shot-tagging", "Version": "1.0.0" }, { "Kind": "tasks", "Id": "features", "Version": "1.0.0" } ] }""");
        var slide = TestData.Slide("CMU-1-Small-Region.svs");

        string folder;
        System.Text.Json.JsonElement published;
        using (var service = workspace.Start())
        {
            await using var probe = await MqttProbe.StartAsync(port, null, null);
            workspace.Drop(slide);
            await probe.WaitForAsync(p => p.On("/result").Count >= 1, Patience, "a result\n" + service.Output);
            published = probe.On("/result").Single().Payload;
            folder = Path.Combine(workspace.Results, published.GetProperty("slideId").GetString()!);
            Assert.Equal(0, service.Stop(TimeSpan.FromSeconds(30)));
        }

        var table = temp.File("cli/tiles.csv.gz");
        var (code, stdout, stderr) = Run("tag", slide, "--config", workspace.ConfigPath, "--json", "--top", "20", "--tiles", table);
        Assert.True(code == 0, stderr);
        // Rows are written as batches complete, which parallel readers may reorder: compared by tile index.
        Assert.Equal(Lines(Path.Combine(folder, "tiles.csv.gz")), Lines(table));

        // The slide tags too: the CLI prints what the service's task completed with.
        using var cli = System.Text.Json.JsonDocument.Parse(stdout);
        var serviceTags = published.GetProperty("tasks").GetProperty("zero-shot-tagging").GetProperty("output").GetProperty("tags").EnumerateArray()
            .Select(t => (t.GetProperty("class").GetString(), t.GetProperty("score").GetDouble())).ToList();
        var cliTags = cli.RootElement.GetProperty("tags").EnumerateArray().Select(t => (t.GetProperty("class").GetString(), t.GetProperty("probability").GetDouble())).ToList();
        Assert.Equal(serviceTags, cliTags);

        var features = temp.File("cli/features.h5");
        (code, _, stderr) = Run("embed", slide, "--config", workspace.ConfigPath, "-o", features);
        Assert.True(code == 0, stderr);

        // Compared by h5py (an independent reader): every feature and coordinate equal, bit for bit.
        var same = ExternalTool.Python(
            "import sys, h5py, numpy as np; a = h5py.File(sys.argv[1], 'r'); b = h5py.File(sys.argv[2], 'r');"
            + " print(a['features'].shape[0], np.array_equal(np.asarray(a['features']), np.asarray(b['features'])), np.array_equal(np.asarray(a['coords']), np.asarray(b['coords'])))",
            Path.Combine(folder, "features.h5"), features).Trim();
        Assert.Equal($"{published.GetProperty("tiles").GetProperty("kept").GetInt32()} True True", same);
    }

    private static (int Code, string Out, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = EdgertApp.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private static List<string> Lines(string gzip)
    {
        using var reader = new StreamReader(new GZipStream(File.OpenRead(gzip), CompressionMode.Decompress));
        var lines = new List<string> { reader.ReadLine()! };
        var rows = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            rows.Add(line);
        }

        lines.AddRange(rows.OrderBy(r => int.Parse(r.Split(',')[0], System.Globalization.CultureInfo.InvariantCulture)));
        return lines;
    }
}
