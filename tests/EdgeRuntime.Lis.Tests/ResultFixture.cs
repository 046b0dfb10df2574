using System.Text.Json.Nodes;
using EdgeRuntime.Journal.Events;
using EdgeRuntime.TestSupport;

namespace EdgeRuntime.Lis.Tests;

/// <summary>
/// A result document the service wrote for CMU-1-Small-Region.svs (tagging and segmentation with the reference model,
/// crc100k prompts), with the case object case identification adds: the same shape every slide.done event carries.
/// </summary>
internal static class ResultFixture
{
    /// <summary>The document with the artefact list the service adds, as a box with Operations:PublicUrl https://box1.example.org:9464 writes it.</summary>
    public static JsonObject Result()
    {
        var document = JsonNode.Parse(File.ReadAllText(Path.Combine(TestData.RepoRoot, "tests", "EdgeRuntime.Lis.Tests", "Data", "cmu1-result.json")))!.AsObject();
        var id = document["slideId"]!.GetValue<string>();
        document["artefacts"] = new JsonArray([.. new[] { ("overlay.png", "image/png"), ("segmentation.geojson", "application/geo+json"), ("segmentation.png", "image/png"), ("tiles.csv.gz", "application/gzip") }
            .Select(a => (JsonNode)new JsonObject { ["path"] = a.Item1, ["size"] = 1000, ["sha256"] = new string('0', 64), ["mediaType"] = a.Item2, ["href"] = $"https://box1.example.org:9464/results/{id}/{a.Item1}" })]);
        return document;
    }

    public static JournalEvent Done(long sequence = 7, JsonObject? result = null)
    {
        var document = result ?? Result();
        var id = document["slideId"]!.GetValue<string>();
        return new JournalEvent(sequence, EventKinds.SlideDone, id, id, new JsonObject { ["file"] = "CMU-1-Small-Region.svs", ["result"] = document }, DateTimeOffset.UtcNow);
    }

    public static LisOptions Options(string? refused = null) => new()
    {
        IdentifierSystemPrefix = "https://lis.example.org/id/",
        RefusedFolder = refused ?? Path.Combine(Path.GetTempPath(), "lis-refused-unused"),
        RetrySeconds = 1,
    };
}
