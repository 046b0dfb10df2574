using System.IO.Compression;
using System.Text.Json;
using EdgeRuntime.TestSupport;

namespace EdgeRuntime.Service.Tests;

/// <summary>A service's folders (inbox, journal, results) and configuration, in a temporary folder.</summary>
internal sealed class ServiceWorkspace : IDisposable
{
    private readonly TempDirectory root = new();

    public ServiceWorkspace(int port, bool embedded, string? username = null, string? password = null, string model = ReferenceModels.Tiny, double quietSeconds = 1, string? pluginsRoot = null, string? adminUsername = null, string? adminPassword = null, Dictionary<string, Dictionary<string, string>>? taskSettings = null, bool activateNewVersions = true, Dictionary<string, string>? readOnlyAccounts = null, string tasks = "zero-shot-tagging/1.0.0", bool textureTestModel = false, int slidesInFlight = 1, Action<System.Text.Json.Nodes.JsonNode>? edit = null)
    {
        Port = port;
        Inbox = root.File("inbox");
        Results = root.File("results");
        Directory.CreateDirectory(Inbox);
        ConfigPath = root.File("service.json");
        if (pluginsRoot is not null)
        {
            BuiltInPlugins.InstallInto(pluginsRoot); // as the installer does for a site's own plugins root
        }

        var config = new
        {
            EdgeRuntime = new
            {
                Inbox = new { Path = Inbox, QuietPeriodSeconds = quietSeconds, RescanIntervalSeconds = 1 },
                Journal = new { DatabasePath = root.File("state/journal.db") },
                Processing = new { ResultsDirectory = Results, DiskFullRetrySeconds = 1, ModelPackage = textureTestModel ? TestModel.Package : ReferenceModels.Package(model), TaskSettings = taskSettings ?? [], TaskStateDirectory = root.File("state/tasks"), SlidesInFlight = slidesInFlight },
                Mqtt = new { Host = embedded ? null : "127.0.0.1", Port = port, Username = username, Password = password, AdminUsername = adminUsername, AdminPassword = adminPassword, NodeId = "box1", MetricsIntervalSeconds = 2, ReconnectMinSeconds = 0.5, ReconnectMaxSeconds = 2 },
                Broker = new { ReadOnlyAccounts = (readOnlyAccounts ?? []).Select(a => new { Username = a.Key, Password = a.Value }).ToArray() },
                // Float, written here and not only in the service's environment: the in-process commands (tag, embed)
                // read this file, and under "auto" a gate kept by one command would switch the next to int8 mid-test.
                Inference = new { ExecutionProviders = new[] { "CPU" }, IntraOpThreads = 2, Precision = "float" },
                ZeroShot = textureTestModel
                    ? new Dictionary<string, string> { ["TextEmbeddingCache"] = root.File("state/text-embeddings"), ["DefaultPromptSet"] = TestModel.PromptSet }
                    : new Dictionary<string, string> { ["TextEmbeddingCache"] = Path.Combine(ReferenceModels.Root, ".text-embeddings") },
                Tissue = new { Detector = textureTestModel ? "none" : "saturation" },
                Plugins = new { Root = pluginsRoot ?? BuiltInPlugins.Root, Tasks = tasks, ActiveFile = root.File("state/active-plugins.json"), CheckIntervalSeconds = 1, QuietPeriodSeconds = 1, ActivateNewVersions = activateNewVersions },
            },
        };
        var written = JsonSerializer.SerializeToNode(config)!;
        edit?.Invoke(written["EdgeRuntime"]!); // a test's own keys over these
        System.IO.File.WriteAllText(ConfigPath, written.ToJsonString());
    }

    public int Port { get; }

    public string Inbox { get; }

    public string Results { get; }

    public string ConfigPath { get; }

    public static string EdgertDll => Path.Combine(AppContext.BaseDirectory, "edgert.dll");

    public ServiceProcess Start() => new(EdgertDll, ConfigPath);

    /// <summary>Drops a file as a careful scanner does: written under a temporary name, then renamed.</summary>
    public string Drop(string source, string? name = null)
    {
        var target = Path.Combine(Inbox, name ?? Path.GetFileName(source));
        var temporary = Path.Combine(Inbox, "." + Path.GetFileName(target) + ".part");
        System.IO.File.Copy(source, temporary, overwrite: true);
        System.IO.File.Move(temporary, target);
        return target;
    }

    /// <summary>The rows of a result's tile sidecar: (x, y, width, height).</summary>
    public IReadOnlyList<(long X, long Y, long W, long H)> TileBoxes(string slideId)
    {
        using var gzip = new GZipStream(System.IO.File.OpenRead(Path.Combine(Results, slideId, "tiles.csv.gz")), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        reader.ReadLine(); // header
        var boxes = new List<(long, long, long, long)>();
        while (reader.ReadLine() is { } line)
        {
            var f = line.Split(',');
            boxes.Add((long.Parse(f[3]), long.Parse(f[4]), long.Parse(f[5]), long.Parse(f[6])));
        }

        return boxes;
    }

    public string PathOf(string name) => root.File(name);

    public void Dispose() => root.Dispose();
}
