using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeRuntime.Cli;
using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Service.Tests;

public sealed class PluginSwapTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(300);

    /// <summary>A plugins root with tiny-reference 1.0.0 and 1.1.0 (same graphs, another manifest), and the CRC-100K prompts.</summary>
    private static string PluginsRoot(TempDirectory temp)
    {
        var root = temp.File("plugins");
        foreach (var version in new[] { "1.0.0", "1.1.0", "1.2.0" })
        {
            PluginRoots.InstallTinyModel(root, version);
        }

        // 1.2.0 is damaged: its text encoder is not the file its manifest hashed.
        File.AppendAllText(Path.Combine(root, "models", "tiny-reference", "1.2.0", "text_encoder.onnx"), "tampered");
        PluginRoots.InstallPrompts(root, "crc100k");
        return root;
    }

    private static string SlideIdOf(IEnumerable<System.Text.Json.JsonElement> results, string path) =>
        results.Single(r => r.GetProperty("file").GetProperty("name").GetString() == Path.GetFileName(path)).GetProperty("slideId").GetString()!;

    private static (int Code, string Out, string Error) Edgert(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        return (EdgertApp.Run(args, output, error), output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Model_swapped_under_load_every_slide_once_each_on_one_version_new_slides_on_the_new_one()
    {
        using var temp = new TempDirectory();
        var plugins = PluginsRoot(temp);
        using var broker = new Mosquitto();
        using var workspace = new ServiceWorkspace(broker.Port, embedded: false, pluginsRoot: plugins);
        Assert.Equal(0, Edgert("plugins", "activate", "models", "tiny-reference", "1.0.0", "--config", workspace.ConfigPath).Code);
        await using var probe = await MqttProbe.StartAsync(broker.Port);
        using var service = workspace.Start();
        await probe.WaitForAsync(p => p.On("box1/status").Count > 0, Patience, "the node online\n" + service.Output);

        var slides = Enumerable.Range(0, 20).Select(Slides.Small).ToList();
        try
        {
            foreach (var slide in slides.Take(10))
            {
                workspace.Drop(slide.Path);
            }

            await probe.WaitForAsync(p => p.On("/result").Count >= 3, Patience, "3 results\n" + service.Output);
            // The CLI returns once the service has said the swap is done, so every slide dropped after it runs on 1.1.0.
            var (code, _, error) = Edgert("plugins", "activate", "models", "tiny-reference", "1.1.0", "--config", workspace.ConfigPath);
            Assert.True(code == 0, error);
            foreach (var slide in slides.Skip(10))
            {
                workspace.Drop(slide.Path);
            }

            // A damaged version is refused before it reaches the service; 1.1.0 stays active.
            var refused = Edgert("plugins", "activate", "models", "tiny-reference", "1.2.0", "--config", workspace.ConfigPath);
            Assert.Equal(1, refused.Code);
            Assert.Contains("text_encoder.onnx: SHA-256 is", refused.Error);
            Assert.Matches(@"(?m)^\* models +tiny-reference +1\.1\.0", Edgert("plugins", "list", "--config", workspace.ConfigPath).Out);

            await probe.WaitForAsync(p => p.On("/result").Count >= 20, Patience, "20 results\n" + service.Output);
            await Task.Delay(2000);

            var results = probe.On("/result").Select(r => r.Payload).ToList();
            Assert.Equal(20, results.Count);
            Assert.Equal(20, results.Select(r => r.GetProperty("slideId").GetString()).Distinct().Count());
            var versionOf = results.ToDictionary(r => r.GetProperty("slideId").GetString()!, r => r.GetProperty("provenance").GetProperty("model").GetProperty("version").GetString()!);

            // In the order slides started (their "processing" messages), versions switch once from 1.0.0 to 1.1.0.
            var started = probe.On("/state").Where(s => s.Payload.GetProperty("state").GetString() == "processing").Select(s => s.Payload.GetProperty("slideId").GetString()!).ToList();
            var sequence = started.Select(id => versionOf[id]).ToList();
            Assert.Equal("1.0.0", sequence[0]);
            Assert.Equal("1.1.0", sequence[^1]);
            var switchAt = sequence.IndexOf("1.1.0");
            Assert.All(sequence.Skip(switchAt), v => Assert.Equal("1.1.0", v));
            Assert.All(slides.Skip(10), s => Assert.Equal("1.1.0", versionOf[SlideIdOf(results, s.Path)]));
            Assert.Contains("Activated model tiny-reference 1.1.0", service.Output);
            Assert.Equal(0, service.Stop(TimeSpan.FromSeconds(30)));
        }
        finally
        {
            slides.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public async Task Twenty_model_swaps_under_load_never_mix_a_slides_provenance()
    {
        using var temp = new TempDirectory();
        var plugins = PluginsRoot(temp);
        using var broker = new Mosquitto();
        using var workspace = new ServiceWorkspace(broker.Port, embedded: false, pluginsRoot: plugins, tasks: "zero-shot-tagging/1.0.0,features/1.0.0");
        Assert.Equal(0, Edgert("plugins", "activate", "models", "tiny-reference", "1.0.0", "--config", workspace.ConfigPath).Code);
        await using var probe = await MqttProbe.StartAsync(broker.Port);
        using var service = workspace.Start();
        await probe.WaitForAsync(p => p.On("box1/status").Count > 0, Patience, "the node online\n" + service.Output);

        var slides = Enumerable.Range(0, 40).Select(Slides.Many).ToList();
        try
        {
            foreach (var slide in slides)
            {
                workspace.Drop(slide.Path);
            }

            // A swap after every result or so, while the queue is full: each lands while a slide is in flight.
            for (var swap = 1; swap <= 20; swap++)
            {
                var seen = swap;
                await probe.WaitForAsync(p => p.On("/result").Count >= seen, Patience, $"{seen} results before swap {seen}\n" + service.Output);
                // Each swap waits for the service to announce the previous one: two writes of the active file in quick
                // succession may be read once, and the second would then undo the first unseen.
                var activated = Activations(probe);
                var (code, _, error) = Edgert("plugins", "activate", "models", "tiny-reference", swap % 2 == 1 ? "1.1.0" : "1.0.0", "--config", workspace.ConfigPath);
                Assert.True(code == 0, error);
                await probe.WaitForAsync(p => Activations(p) > activated, Patience, $"swap {swap} activated\n" + service.Output);
            }

            await probe.WaitForAsync(p => p.On("/result").Count >= slides.Count, Patience, "every result\n" + service.Output);
            Assert.Equal(0, service.Stop(TimeSpan.FromSeconds(60)));

            // Two writers must agree for every slide: the host's provenance (the model the slide leased) and the
            // feature task's own record in features.h5, read back by h5py (Debian python3-h5py).
            var results = probe.On("/result").Select(r => r.Payload).ToList();
            Assert.Equal(slides.Count, results.Select(r => r.GetProperty("slideId").GetString()).Distinct().Count());
            var ids = results.Select(r => r.GetProperty("slideId").GetString()!).ToList();
            var recorded = ExternalTool.Python(
                "import sys, h5py\nfor p in sys.argv[1:]:\n    print(h5py.File(p, 'r').attrs['model_version'])",
                [.. ids.Select(id => Path.Combine(workspace.Results, id, "features.h5"))]).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var mixed = 0;
            for (var i = 0; i < ids.Count; i++)
            {
                var claimed = results[i].GetProperty("provenance").GetProperty("model").GetProperty("version").GetString();
                mixed += claimed == recorded[i].Trim() ? 0 : 1;
            }

            var versions = results.Select(r => r.GetProperty("provenance").GetProperty("model").GetProperty("version").GetString()).ToList();
            Assert.Equal(0, mixed);
            Assert.Contains("1.0.0", versions);
            Assert.Contains("1.1.0", versions);
            var activations = service.Output.Split('\n').Count(l => l.Contains("Activated model tiny-reference", StringComparison.Ordinal));
            Assert.True(activations >= 20, $"{activations} activations seen");
        }
        finally
        {
            slides.ForEach(s => s.Dispose());
        }
    }

    private static int Activations(MqttProbe probe) =>
        probe.On("/plugins/events").Count(e => e.Payload.GetProperty("event").GetString() == "activated");
}
