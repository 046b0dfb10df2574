using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Service.Tests;

/// <summary>
/// Cell heads swapped while `edgert run` has slides in flight (two at a time), on the UNI twin: head 1.0.0 activated on
/// the box before the start, 1.1.0 over MQTT while slides run, a head for another encoder refused over MQTT with the
/// reason, then rolled back with the CLI. The two versions call their nuclei by different names, so each slide's cell
/// table says which head found its cells; every result must name (id, version, head.json hash) the head whose cells it
/// holds, and one head only.
/// </summary>
public sealed class CellHeadSwapTests
{
    private const int Tile = 224;
    private const string Admin = "edgeruntime/box1/admin/plugins";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(300);

    [Fact]
    public async Task Heads_swapped_under_load_never_mix_a_slide_and_each_result_names_the_head_that_found_its_cells()
    {
        using var temp = new TempDirectory();
        var port = Mosquitto.FreePort();
        var root = temp.File("plugins");
        var uni = Path.Combine(root, "models", "uni", "1.0.0");
        PluginRoots.CopyDirectory(FamilyTwins.Package("uni"), uni);
        using var workspace = new ServiceWorkspace(port, embedded: true, username: "svc", password: "svc-secret", pluginsRoot: root, adminUsername: "admin", adminPassword: "admin-secret", tasks: "", slidesInFlight: 2, edit: config =>
        {
            config["Processing"]!["ModelPackage"] = uni;
            config["Processing"]!["TaskTimeoutSeconds"] = 1800; // the head runs inside the task's calls: a loaded machine must not time it out
            config["Tissue"]!["Detector"] = "none";
            config["Tiling"] = new JsonObject { ["Overlap"] = 32 };
        });
        var heads = new Dictionary<string, (string Version, string Sha256)>
        {
            ["a-cell"] = ("1.0.0", Sha(Path.Combine(SyntheticCellHeads.Install(root, uni, "nuclei", "1.0.0", ["a-cell"]), "head.json"))),
            ["b-cell"] = ("1.1.0", Sha(Path.Combine(SyntheticCellHeads.Install(root, uni, "nuclei", "1.1.0", ["b-cell"]), "head.json"))),
        };
        SyntheticCellHeads.Install(root, FamilyTwins.Package("virchow2"), "foreign", "1.0.0", ["x-cell"]);

        // On the box, with no service running: verified against the model, in effect when it starts.
        Assert.Contains("active: heads/nuclei/1.0.0", Run("plugins", "activate", "heads", "nuclei", "1.0.0", "--config", workspace.ConfigPath), StringComparison.Ordinal);

        using var service = workspace.Start();
        await using var probe = await MqttProbe.StartAsync(port, "svc", "svc-secret");
        await probe.WaitForAsync(p => p.On("box1/metrics").Count > 0, Patience, "the node publishing\n" + service.Output);
        await using var admin = await MqttAdminClient.ConnectAsync(port, "admin", "admin-secret", "edgeruntime/box1/admin/replies/admin-1");

        var slides = Enumerable.Range(0, 12).Select(n => new TextureSlide((2 + n) * Tile, Tile, [("brick", 0, 0, (2 + n) * Tile, Tile)], $"slide-{n}.tiff")).ToList();
        try
        {
            foreach (var slide in slides.Take(6))
            {
                workspace.Drop(slide.Path);
            }

            // 1.1.0 over MQTT once the first result is out, with the other five queued or in flight.
            await probe.WaitForAsync(p => p.On("/result").Count >= 1, Patience, "the first result\n" + service.Output);
            var swapped = await admin.RequestAsync($"{Admin}/activate", new { kind = "heads", id = "nuclei", version = "1.1.0" }, "c-swap", Patience);
            Assert.True(swapped.GetProperty("ok").GetBoolean(), swapped.ToString());
            Assert.Equal("1.1.0", swapped.GetProperty("active").GetProperty("head").GetProperty("version").GetString());

            // A head trained on another encoder is refused with the reason, and 1.1.0 keeps serving.
            var foreign = await admin.RequestAsync($"{Admin}/activate", new { kind = "heads", id = "foreign", version = "1.0.0" }, "c-foreign", Patience);
            Assert.False(foreign.GetProperty("ok").GetBoolean());
            Assert.Contains("encoder: trained on model 'virchow2' 1.0.0", foreign.GetProperty("reason").GetString(), StringComparison.Ordinal);
            Assert.Contains("but the model is 'uni' 1.0.0", foreign.GetProperty("reason").GetString(), StringComparison.Ordinal);
            Assert.Equal("1.1.0", foreign.GetProperty("active").GetProperty("head").GetProperty("version").GetString());

            var afterSwap = slides.Skip(6).Take(4).Select(s => Path.GetFileName(s.Path)).ToHashSet();
            foreach (var slide in slides.Skip(6).Take(4))
            {
                workspace.Drop(slide.Path);
            }

            await probe.WaitForAsync(p => p.On("/result").Count >= 10, Patience, "ten results\n" + service.Output);

            // Rolled back on the box (the command waits for the service's word).
            Assert.Contains("active: heads/nuclei/1.0.0", Run("plugins", "activate", "heads", "nuclei", "1.0.0", "--config", workspace.ConfigPath), StringComparison.Ordinal);
            var afterRollback = slides.Skip(10).Select(s => Path.GetFileName(s.Path)).ToHashSet();
            foreach (var slide in slides.Skip(10))
            {
                workspace.Drop(slide.Path);
            }

            await probe.WaitForAsync(p => p.On("/result").Count >= slides.Count, Patience, "every result\n" + service.Output);
            Assert.Matches(@"(?m)^\* heads +nuclei +1\.0\.0", Run("plugins", "list", "--config", workspace.ConfigPath));

            var seen = new Dictionary<string, string>();
            foreach (var message in probe.On("/result"))
            {
                var result = message.Payload;
                var name = result.GetProperty("file").GetProperty("name").GetString()!;
                var cells = result.GetProperty("tasks").GetProperty("cells");
                Assert.Equal("ok", cells.GetProperty("status").GetString());
                var summary = cells.GetProperty("output");
                var head = summary.GetProperty("head");

                // One head per slide: every cell of its table carries that head's class, and the result names that head.
                var classes = TableClasses(Path.Combine(workspace.Results, result.GetProperty("slideId").GetString()!, "cells.csv.gz"));
                var cls = Assert.Single(classes.Distinct());
                Assert.Equal(summary.GetProperty("cells").GetInt64(), classes.Count);
                Assert.True(classes.Count > 0, name);
                Assert.Equal("nuclei", head.GetProperty("id").GetString());
                Assert.Equal(heads[cls].Version, head.GetProperty("version").GetString());
                Assert.Equal(heads[cls].Sha256, head.GetProperty("sha256").GetString());
                Assert.Equal(cls, summary.GetProperty("classes")[0].GetProperty("name").GetString());
                seen[name] = heads[cls].Version;
            }

            Assert.Equal(slides.Count, seen.Count); // each slide once
            Assert.All(afterSwap, n => Assert.Equal("1.1.0", seen[n]));
            Assert.All(afterRollback, n => Assert.Equal("1.0.0", seen[n]));
            Assert.Equal("1.0.0", probe.On("/result")[0].Payload.GetProperty("tasks").GetProperty("cells").GetProperty("output").GetProperty("head").GetProperty("version").GetString()); // out before the swap
            Assert.Equal(0, service.Stop(TimeSpan.FromSeconds(30)));
        }
        finally
        {
            slides.ForEach(s => s.Dispose());
        }
    }

    private static List<string> TableClasses(string path)
    {
        using var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress));
        var column = Array.IndexOf(reader.ReadLine()!.Split(','), "class");
        var classes = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            classes.Add(line.Split(',')[column]);
        }

        return classes;
    }

    private static string Sha(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    private static string Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = EdgeRuntime.Cli.EdgertApp.Run(args, output, error);
        Assert.True(code == 0, $"edgert {string.Join(' ', args)} exited {code}: {error}");
        return output.ToString();
    }
}
