using System.Text.Json;
using EdgeRuntime.TestSupport;
using Xunit;
using Xunit.Abstractions;
using static EdgeRuntime.Service.Tests.SlideMessages;

namespace EdgeRuntime.Service.Tests;

/// <summary>
/// Three real <c>edgert run</c> boxes on a real Mosquitto 2 with the shipped per-node fleet ACL
/// (install/mosquitto/fleet.acl), sharing a folder as shared storage: slides dropped on one box are processed across
/// the boxes through the MQTT 5 shared subscription, each result published once by the owner, whose journal names
/// who processed it; a box killed with SIGKILL mid-slide gives the slide back when its lease runs out, and another
/// box processes it; a fleet search merges the boxes' answers and names the box that did not answer.
/// </summary>
public sealed class FleetTests(ITestOutputHelper output)
{
    private const string Password = "fleet-secret";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(150);

    [Fact]
    public async Task Slides_are_shared_across_three_boxes_once_each_a_killed_box_gives_its_slide_back_and_search_merges_the_fleet()
    {
        using var mosquitto = new Mosquitto(
            new Dictionary<string, string> { ["box1"] = Password, ["box2"] = Password, ["box3"] = Password, ["lis"] = Password },
            Path.Combine(TestData.RepoRoot, "install", "mosquitto", "fleet.acl"));
        using var shared = new TempDirectory();
        var nodes = new[] { "box1", "box2", "box3" }.Select(n => new FleetNode(mosquitto.Port, n, shared.Path)).ToList();
        var slides = Enumerable.Range(0, 6).Select(Slides.Many).ToList();
        var large = Enumerable.Range(0, 2).Select(Slides.Large).ToList();
        var services = new List<ServiceProcess>();
        try
        {
            await using var probe = await MqttProbe.StartAsync(mosquitto.Port, "lis", Password);
            services.AddRange(nodes.Select(n => n.Start()));
            string Logs() => string.Join("\n----\n", services.Select(s => s.Output)) + "\n---- mosquitto\n" + mosquitto.Log;

            // The fleet view: every box's state, aggregated, retained for a dashboard.
            await probe.WaitForAsync(p => p.On("fleet/view").Any(v => v.Payload.GetProperty("totals").GetProperty("nodes").GetInt32() == 3), Patience, "a fleet view of three boxes\n" + Logs());

            // 1. Slides dropped on box1's inbox on the shared storage are processed across the boxes, each once.
            foreach (var slide in slides)
            {
                nodes[0].Drop(slide.Path);
            }

            await probe.WaitForAsync(p => Results(p).Select(r => Id(r.Payload)).Distinct().Count() == slides.Count, Patience, "every result\n" + Logs());
            var first = Results(probe);
            var perBox = first.GroupBy(r => ProcessedBy(r.Payload)).ToDictionary(g => g.Key, g => g.Count());
            output.WriteLine($"phase 1: {slides.Count} slides dropped on box1; results {first.Count}, distinct {first.Select(r => Id(r.Payload)).Distinct().Count()}; processed per box: {string.Join(", ", perBox.OrderBy(p => p.Key).Select(p => $"{p.Key} {p.Value}"))}");
            Assert.All(first, r => Assert.StartsWith("edgeruntime/box1/", r.Topic, StringComparison.Ordinal)); // the owner publishes every result
            Assert.Equal(slides.Count, first.Count); // exactly once: no duplicates
            Assert.True(perBox.Keys.Count(k => k != "box1") >= 1, "no slide was processed by another box: " + string.Join(", ", perBox.Keys) + "\n" + Logs());

            // 2. A box killed mid-slide: its lease runs out and another box processes the slide.
            foreach (var slide in large)
            {
                nodes[0].Drop(slide.Path);
            }

            var done = first.Select(r => Id(r.Payload)).ToHashSet();
            var (victimIndex, victimSlide) = await WaitForRemoteWorkAsync(probe, done, Logs);
            services[victimIndex].KillHard();
            var victim = nodes[victimIndex].Name;
            await probe.WaitForAsync(p => Results(p).Select(r => Id(r.Payload)).Distinct().Count() == slides.Count + large.Count, Patience, "every result after the kill\n" + Logs());
            var all = Results(probe);
            var rescued = all.Single(r => Id(r.Payload) == victimSlide);
            output.WriteLine($"phase 2: {victim} killed (SIGKILL) while processing slide {victimSlide} of box1; it was then processed by {ProcessedBy(rescued.Payload)}");
            Assert.NotEqual(victim, ProcessedBy(rescued.Payload));
            Assert.Contains($"the lease of box {victim} on slide {victimSlide} expired", services[0].Output, StringComparison.Ordinal);
            Assert.Equal(slides.Count + large.Count, all.Count);

            // 3. Fleet search: every box answers from its own index; the killed box is named as not answering.
            Environment.SetEnvironmentVariable("EDGERT_MQTT_PASSWORD", Password);
            using var stdout = new StringWriter();
            using var stderr = new StringWriter();
            var code = EdgeRuntime.Cli.EdgertApp.Run(["search", "--fleet", "tissue", "--top", "200", "--deadline", "20", "--user", "lis", "--json", "--config", nodes[0].ConfigPath], stdout, stderr);
            Assert.True(code == 0, stderr + "\n" + stdout + "\n" + Logs());
            using var answer = JsonDocument.Parse(stdout.ToString());
            var answered = answer.RootElement.GetProperty("answered").EnumerateArray().Select(a => a.GetProperty("node").GetString()).Order().ToList();
            var missing = answer.RootElement.GetProperty("notAnswered").EnumerateArray().Select(a => a.GetProperty("node").GetString()).ToList();
            var hitBoxes = answer.RootElement.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("node").GetString()).Distinct().Order().ToList();
            output.WriteLine($"search: answered {string.Join(", ", answered)}; not answered {string.Join(", ", missing)}; hits from {string.Join(", ", hitBoxes)}");
            Assert.Equal(nodes.Select(n => n.Name).Where(n => n != victim).Order(), answered);
            Assert.Equal([victim], missing);
            Assert.Contains($"box {victim} did not answer", stderr.ToString(), StringComparison.Ordinal);

            // Each surviving box that processed slides answers with hits from its own index.
            var processors = all.Select(r => ProcessedBy(r.Payload)).Where(b => b != victim).Distinct().Order().ToList();
            Assert.Equal(processors, hitBoxes);

            // The owner's journal records who processed each slide; nothing is left waiting.
            foreach (var (service, index) in services.Select((s, i) => (s, i)).Where(p => p.s.Running))
            {
                Assert.Equal(0, service.Stop(TimeSpan.FromSeconds(60)));
            }

            using var status = JsonDocument.Parse(Status(nodes[0].ConfigPath));
            Assert.Equal(slides.Count + large.Count, status.RootElement.GetProperty("counts").GetProperty("done").GetInt32());
            output.WriteLine($"lost 0 of {slides.Count + large.Count}; duplicates {all.Count - all.Select(r => Id(r.Payload)).Distinct().Count()}; shared {all.Count(r => ProcessedBy(r.Payload) != "box1")}");
        }
        finally
        {
            foreach (var service in services)
            {
                if (service.Running)
                {
                    service.KillHard();
                }

                service.Dispose();
            }

            foreach (var slide in slides.Concat(large))
            {
                slide.Dispose();
            }

            foreach (var node in nodes)
            {
                node.Dispose();
            }

            Environment.SetEnvironmentVariable("EDGERT_MQTT_PASSWORD", null);
        }
    }

    // Results as published (not retained): one message per result.
    private static List<(string Topic, JsonElement Payload)> Results(MqttProbe probe) => [.. probe.On("/result")];

    private static string ProcessedBy(JsonElement result) =>
        result.TryGetProperty("fleet", out var fleet) ? fleet.GetProperty("processedBy").GetString()! : "box1";

    // Waits until box2 or box3 says (in its retained fleet state) that it is processing a slide of box1.
    private static async Task<(int Index, string SlideId)> WaitForRemoteWorkAsync(MqttProbe probe, HashSet<string> done, Func<string> logs)
    {
        (int, string)? found = null;
        await probe.WaitForAsync(
            p =>
            {
                foreach (var (topic, state) in p.On("/fleet/state"))
                {
                    if (state.GetProperty("processingFor").ValueKind == JsonValueKind.Object && topic.Split('/')[1] is "box2" or "box3"
                        && !done.Contains(state.GetProperty("processingFor").GetProperty("slideId").GetString()!))
                    {
                        found = (topic.Split('/')[1] == "box2" ? 1 : 2, state.GetProperty("processingFor").GetProperty("slideId").GetString()!);
                        return true;
                    }
                }

                return false;
            },
            Patience,
            "another box processing a large slide of box1\n" + logs());
        return found!.Value;
    }

    private static string Status(string config)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = EdgeRuntime.Cli.EdgertApp.Run(["status", "--json", "--config", config], stdout, stderr);
        Assert.True(code == 0, stderr.ToString());
        return stdout.ToString();
    }

    /// <summary>One box: its inbox on the shared storage, its own journal and results, its account, short leases.</summary>
    private sealed class FleetNode : IDisposable
    {
        private readonly TempDirectory root = new();

        public FleetNode(int port, string name, string sharedRoot)
        {
            Name = name;
            Inbox = Path.Combine(sharedRoot, name + "-inbox");
            Directory.CreateDirectory(Inbox);
            ConfigPath = root.File("service.json");
            var config = new
            {
                EdgeRuntime = new
                {
                    Inbox = new { Path = Inbox, QuietPeriodSeconds = 0.5, RescanIntervalSeconds = 1 },
                    Journal = new { DatabasePath = root.File("state/journal.db") },
                    Processing = new { ResultsDirectory = root.File("results"), ModelPackage = ReferenceModels.Package(ReferenceModels.Tiny), TaskStateDirectory = root.File("state/tasks"), SlidesInFlight = 1 },
                    Mqtt = new { Host = "127.0.0.1", Port = port, Username = name, Password, NodeId = name, MetricsIntervalSeconds = 5, ReconnectMinSeconds = 0.5, ReconnectMaxSeconds = 2 },
                    Inference = new { ExecutionProviders = new[] { "CPU" }, IntraOpThreads = 1 },
                    ZeroShot = new Dictionary<string, string> { ["TextEmbeddingCache"] = Path.Combine(ReferenceModels.Root, ".text-embeddings") },
                    Tissue = new { Detector = "saturation" },
                    Plugins = new { Root = BuiltInPlugins.Root, Tasks = "zero-shot-tagging/1.0.0,retrieval-index/1.0.0", ActiveFile = root.File("state/active-plugins.json") },
                    Fleet = new { Enabled = true, Group = "test", SharedRoot = sharedRoot, OfferThreshold = 0, LeaseSeconds = 4, ClaimTimeoutSeconds = 2, StateIntervalSeconds = 0.5 },
                },
            };
            File.WriteAllText(ConfigPath, JsonSerializer.Serialize(config));
        }

        public string Name { get; }

        public string Inbox { get; }

        public string ConfigPath { get; }

        public ServiceProcess Start() => new(ServiceWorkspace.EdgertDll, ConfigPath);

        public void Drop(string source)
        {
            var target = Path.Combine(Inbox, Path.GetFileName(source));
            var temporary = Path.Combine(Inbox, "." + Path.GetFileName(target) + ".part");
            File.Copy(source, temporary, overwrite: true);
            File.Move(temporary, target);
        }

        public void Dispose() => root.Dispose();
    }
}
