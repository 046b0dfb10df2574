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
    public static JsonObject Result() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(TestData.RepoRoot, "tests", "EdgeRuntime.Lis.Tests", "Data", "cmu1-result.json")))!.AsObject();

    public static JournalEvent Done(long sequence = 7, JsonObject? result = null)
    {
        var document = result ?? Result();
        var id = document["slideId"]!.GetValue<string>();
        return new JournalEvent(sequence, EventKinds.SlideDone, id, id, new JsonObject { ["file"] = "CMU-1-Small-Region.svs", ["result"] = document }, DateTimeOffset.UtcNow);
    }

    public static LisOptions Options(string? refused = null) => new()
    {
        IdentifierSystemPrefix = "https://lis.example.org/id/",
        ArtefactBaseUrl = "https://box1.example.org/results",
        RefusedFolder = refused ?? Path.Combine(Path.GetTempPath(), "lis-refused-unused"),
        RetrySeconds = 1,
    };
}
