using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeRuntime.Foundation.Files;
using EdgeRuntime.Inference.Packages;

namespace EdgeRuntime.Inference.Precision;

/// <summary>
/// Where a package's int8 image encoder and its gate file live: one folder per float graph (named by its SHA-256)
/// under the int8 cache, holding <c>image-encoder.int8.onnx</c>, <c>gate.json</c> (<see cref="GateOutcome"/>, with
/// both graphs' hashes) and <c>gate.json.sha256</c>. A gate file whose own hash, or whose int8 hash, does not match
/// what is on disk counts as no gate: the copy was changed after it was judged.
/// </summary>
internal sealed class Int8Store
{
    public const string GraphName = "image-encoder.int8.onnx";
    public const string GateName = "gate.json";

    public Int8Store(string cacheRoot, ModelPackage package)
    {
        FloatSha256 = package.Manifest.Files.TryGetValue(package.Manifest.ImageEncoder.File, out var sha) ? sha : PackageFiles.Sha256(Path.Combine(package.Directory, package.Manifest.ImageEncoder.File));
        Folder = Path.Combine(Path.GetFullPath(cacheRoot), FloatSha256.ToLowerInvariant());
    }

    public string FloatSha256 { get; }

    public string Folder { get; }

    public string Graph => Path.Combine(Folder, GraphName);

    public string GateFile => Path.Combine(Folder, GateName);

    private string GateHashFile => GateFile + ".sha256";

    /// <summary>The kept gate, if there is one that still describes the graph on disk.</summary>
    public GateOutcome? ReadGate()
    {
        if (!File.Exists(GateFile) || !File.Exists(GateHashFile) || !File.Exists(Graph))
        {
            return null;
        }

        try
        {
            if (!string.Equals(File.ReadAllText(GateHashFile).Trim(), PackageFiles.Sha256(GateFile), StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            var json = JsonNode.Parse(File.ReadAllText(GateFile))!.AsObject();
            var outcome = new GateOutcome(
                json["passed"]!.GetValue<bool>(),
                json["reason"]!.GetValue<string>(),
                json["tiles"]!.GetValue<int>(),
                json["cosineMin"]!.GetValue<double>(),
                json["cosineMean"]!.GetValue<double>(),
                json["bound"]!.GetValue<double>(),
                [.. json["sources"]!.AsArray().Select(s => s!.GetValue<string>())],
                json["floatSha256"]!.GetValue<string>(),
                json["int8Sha256"]!.GetValue<string>())
            {
                // A gate file from before the speed and labelled-set conditions has neither: NaN, so it fits no settings.
                SpeedUp = json["speedUp"]?.GetValue<double>() ?? double.NaN,
                MinSpeedUp = json["minSpeedUp"]?.GetValue<double>() ?? double.NaN,
                Labelled = json["labelled"] is JsonObject l ? ReadLabelled(l) : null,
            };
            return string.Equals(outcome.FloatSha256, FloatSha256, StringComparison.OrdinalIgnoreCase)
                && string.Equals(outcome.Int8Sha256, PackageFiles.Sha256(Graph), StringComparison.OrdinalIgnoreCase) ? outcome : null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NullReferenceException or IOException or FormatException)
        {
            return null;
        }
    }

    public void WriteGate(GateOutcome outcome)
    {
        var json = new JsonObject
        {
            ["passed"] = outcome.Passed,
            ["reason"] = outcome.Reason,
            ["tiles"] = outcome.Tiles,
            ["cosineMin"] = Math.Round(outcome.CosineMin, 6),
            ["cosineMean"] = Math.Round(outcome.CosineMean, 6),
            ["bound"] = outcome.Bound,
            ["sources"] = new JsonArray([.. outcome.Sources.Select(s => (JsonNode)s)]),
            ["floatSha256"] = outcome.FloatSha256,
            ["int8Sha256"] = outcome.Int8Sha256,
            ["speedUp"] = Math.Round(outcome.SpeedUp, 3),
            ["minSpeedUp"] = outcome.MinSpeedUp,
            ["labelled"] = outcome.Labelled is { } l ? WriteLabelled(l) : null,
            ["judgedAt"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
        };
        AtomicFile.WriteText(GateFile, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        AtomicFile.WriteText(GateHashFile, PackageFiles.Sha256(GateFile) + "\n");
    }

    private static JsonObject WriteLabelled(LabelledAgreement l) => new()
    {
        ["set"] = l.Set,
        ["images"] = l.Images,
        ["floatAccuracy"] = Finite(l.FloatAccuracy),
        ["floatInterval"] = new JsonArray(Finite(l.FloatLow), Finite(l.FloatHigh)),
        ["confidence"] = l.Confidence,
        ["int8Accuracy"] = Finite(l.Int8Accuracy),
        ["passed"] = l.Passed,
        ["problem"] = l.Problem,
    };

    private static LabelledAgreement ReadLabelled(JsonObject l) => new(
        l["set"]!.GetValue<string>(),
        l["images"]!.GetValue<int>(),
        l["floatAccuracy"]?.GetValue<double>() ?? double.NaN,
        l["floatInterval"]![0]?.GetValue<double>() ?? double.NaN,
        l["floatInterval"]![1]?.GetValue<double>() ?? double.NaN,
        l["confidence"]!.GetValue<double>(),
        l["int8Accuracy"]?.GetValue<double>() ?? double.NaN,
        l["problem"]?.GetValue<string>());

    // JSON has no NaN: a figure the gate could not measure is null.
    private static JsonValue? Finite(double value) => double.IsFinite(value) ? JsonValue.Create(Math.Round(value, 6)) : null;
}
