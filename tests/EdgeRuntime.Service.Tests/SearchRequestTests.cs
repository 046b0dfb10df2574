using System.Text.Json;
using EdgeRuntime.TestSupport;
using MQTTnet;
using Xunit;

namespace EdgeRuntime.Service.Tests;

/// <summary>
/// The retrieval index searched over MQTT 5 request/response while `edgert run` indexes slides: a read-only account
/// (an LIS) searches by text and by region and reads stats; only the admin deletes. With the texture test model, so
/// that a hit can be checked for being right: on the embedded broker and behind Mosquitto with the shipped ACL.
/// </summary>
public sealed class SearchRequestTests
{
    private const int Tile = 224;
    private const string Search = "edgeruntime/box1/requests/tasks/retrieval-index/search";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(180);

    [Fact]
    public async Task On_the_embedded_broker_the_lis_searches_by_text_and_region_and_only_the_admin_deletes()
    {
        using var temp = new TempDirectory();
        var port = Mosquitto.FreePort();
        using var workspace = new ServiceWorkspace(port, embedded: true, username: "svc", password: "svc-secret", pluginsRoot: temp.File("plugins"), adminUsername: "admin", adminPassword: "admin-secret", readOnlyAccounts: new() { ["lis"] = "lis-secret" }, tasks: "retrieval-index/1.0.0", textureTestModel: true);
        using var service = workspace.Start();
        await using var probe = await MqttProbe.StartAsync(port, "lis", "lis-secret");
        await probe.WaitForAsync(p => p.On("box1/metrics").Count > 0, Patience, "the node publishing\n" + service.Output);

        // Brick on the left half, grass on the right: 4 × 3 tiles each.
        using var slide = new TextureSlide(8 * Tile, 3 * Tile, [("brick", 0, 0, 4 * Tile, 3 * Tile), ("grass", 4 * Tile, 0, 8 * Tile, 3 * Tile)]);
        workspace.Drop(slide.Path);
        await probe.WaitForAsync(p => p.On("/result").Count >= 1, Patience, "a result\n" + service.Output);
        var slideId = probe.On("/result").Single().Payload.GetProperty("slideId").GetString()!;

        await using var lis = await MqttAdminClient.ConnectAsync(port, "lis", "lis-secret", "edgeruntime/box1/requests/replies/lis/lis-1");
        var grass = await lis.RequestAsync(Search, new { text = "a photo of grass", top = 12, exact = true }, "c-text", Patience);
        Assert.True(grass.GetProperty("ok").GetBoolean(), grass.ToString());
        Assert.Equal(24, grass.GetProperty("tilesSearched").GetInt32());
        var hits = grass.GetProperty("hits").EnumerateArray().ToList();
        Assert.Equal(12, hits.Count);
        // The text tower tells grass from brick: every one of the 12 best tiles lies in the right half.
        Assert.All(hits, h => Assert.True(h.GetProperty("slideId").GetString() == slideId && h.GetProperty("box")[0].GetInt64() >= 4 * Tile, h.ToString()));

        // Hits name the slide's file as it was dropped.
        Assert.All(hits, h => Assert.Equal(Path.GetFileName(slide.Path), h.GetProperty("fileName").GetString()));

        // A region leaves its own tile out (it would come first with a cosine of 1) and says so; the best hit is
        // another brick tile.
        var region = await lis.RequestAsync(Search, new { slide = slideId, box = new[] { Tile, Tile, Tile, Tile }, top = 1, exact = true }, "c-region", Patience);
        Assert.True(region.GetProperty("ok").GetBoolean(), region.ToString());
        Assert.Equal(1, region.GetProperty("leftOut").GetProperty("tiles").GetInt32());
        var first = region.GetProperty("hits")[0];
        Assert.NotEqual(new long[] { Tile, Tile, Tile, Tile }, first.GetProperty("box").EnumerateArray().Select(v => v.GetInt64()));
        Assert.True(first.GetProperty("box")[0].GetInt64() < 4 * Tile, first.ToString());

        var bad = await lis.RequestAsync(Search, new { text = "grass", top = 0 }, "c-bad", Patience);
        Assert.False(bad.GetProperty("ok").GetBoolean());
        Assert.Contains("field 'top'", bad.GetProperty("reason").GetString());

        // Delete is the admin's: refused to the LIS under requests/, and the broker refuses it the admin tree.
        var refused = await lis.RequestAsync("edgeruntime/box1/requests/tasks/retrieval-index/delete", new { slide = slideId }, "c-delete-ro", Patience);
        Assert.False(refused.GetProperty("ok").GetBoolean());
        Assert.Contains("needs the admin role; this request came as read-only", refused.GetProperty("reason").GetString());
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, await lis.SendAsync("edgeruntime/box1/admin/tasks/retrieval-index/delete", new { slide = slideId }, "c-forged"));
        var kept = await lis.RequestAsync("edgeruntime/box1/requests/tasks/retrieval-index/stats", null, "c-stats", Patience);
        Assert.Equal(24, kept.GetProperty("models")[0].GetProperty("tiles").GetInt32());

        await using var admin = await MqttAdminClient.ConnectAsync(port, "admin", "admin-secret", "edgeruntime/box1/admin/replies/admin-1");
        var deleted = await admin.RequestAsync("edgeruntime/box1/admin/tasks/retrieval-index/delete", new { slide = slideId }, "c-delete", Patience);
        Assert.True(deleted.GetProperty("ok").GetBoolean(), deleted.ToString());
        Assert.Equal(TestModel.Id, deleted.GetProperty("removedFrom")[0].GetProperty("id").GetString());
        var after = await lis.RequestAsync(Search, new { text = "grass", exact = true }, "c-after", Patience);
        Assert.Equal(0, after.GetProperty("tilesSearched").GetInt32());
        Assert.StartsWith($"nothing has been indexed yet for model {TestModel.Id}", after.GetProperty("empty").GetString(), StringComparison.Ordinal);
        Assert.Equal($"retrieval-index/{TestModel.Id}/{ReferenceModels.Version}", after.GetProperty("indexFolder").GetString());
        Assert.Equal(0, service.Stop(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Behind_mosquitto_with_the_shipped_acl_the_lis_searches_and_cannot_delete()
    {
        var users = new Dictionary<string, string> { ["edgeruntime-service"] = "svc-secret", ["edgeruntime-admin"] = "admin-secret", ["lis"] = "lis-secret" };
        using var broker = new Mosquitto(users, Path.Combine(TestData.RepoRoot, "install", "mosquitto", "edgeruntime.acl"));
        using var temp = new TempDirectory();
        using var workspace = new ServiceWorkspace(broker.Port, embedded: false, username: "edgeruntime-service", password: "svc-secret", pluginsRoot: temp.File("plugins"), adminUsername: "edgeruntime-admin", adminPassword: "admin-secret", tasks: "retrieval-index/1.0.0", textureTestModel: true);
        using var service = workspace.Start();
        await using var probe = await MqttProbe.StartAsync(broker.Port, "lis", "lis-secret");
        await probe.WaitForAsync(p => p.On("box1/metrics").Count > 0, Patience, "the node online, seen by the LIS\n" + service.Output);

        using var slide = new TextureSlide(4 * Tile, 2 * Tile, [("gravel", 0, 0, 2 * Tile, 2 * Tile), ("ihc", 2 * Tile, 0, 4 * Tile, 2 * Tile)]);
        workspace.Drop(slide.Path);
        await probe.WaitForAsync(p => p.On("/result").Count >= 1, Patience, "a result\n" + service.Output);

        await using var lis = await MqttAdminClient.ConnectAsync(broker.Port, "lis", "lis-secret", "edgeruntime/box1/requests/replies/lis/lis-1");
        var gravel = await lis.RequestAsync(Search, new { text = "a photo of gravel", top = 4, exact = true }, "c-text", Patience);
        Assert.True(gravel.GetProperty("ok").GetBoolean(), gravel.ToString());
        Assert.All(gravel.GetProperty("hits").EnumerateArray(), h => Assert.True(h.GetProperty("box")[0].GetInt64() < 2 * Tile, h.ToString()));

        var refused = await lis.RequestAsync("edgeruntime/box1/requests/tasks/retrieval-index/delete", new { slide = "any" }, "c-delete-ro", Patience);
        Assert.Contains("needs the admin role", refused.GetProperty("reason").GetString());
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, await lis.SendAsync("edgeruntime/box1/admin/tasks/retrieval-index/delete", new { slide = "any" }, "c-forged"));
        Assert.Equal(0, service.Stop(TimeSpan.FromSeconds(30)));
        Assert.DoesNotContain("c-forged", service.Output);
    }
}
