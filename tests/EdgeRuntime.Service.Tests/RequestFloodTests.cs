using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeRuntime.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace EdgeRuntime.Service.Tests;

/// <summary>
/// Issue 22 §3 against `edgert run` on the embedded broker: a bounded flood of what the tester sent (searches of a
/// 60 kB word, a new model id per search, megabyte bodies) from a read-only account on 127.0.0.1, with an admin's
/// <c>plugins/list</c> in the middle. Every request is answered (done, refused or busy, never lost), the admin's is
/// answered, and the service's memory stays bounded. The figures are logged, not asserted.
/// </summary>
public sealed class RequestFloodTests(ITestOutputHelper log)
{
    private const int Tile = 224;
    private const string Requests = "edgeruntime/box1/requests/tasks/retrieval-index/search";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(180);

    [Fact]
    public async Task A_flood_of_oversized_and_novel_searches_is_answered_bounded_and_the_admin_is_not_queued_behind_it()
    {
        using var temp = new TempDirectory();
        var port = Mosquitto.FreePort();
        using var workspace = new ServiceWorkspace(port, embedded: true, username: "svc", password: "svc-secret", pluginsRoot: temp.File("plugins"), adminUsername: "admin", adminPassword: "admin-secret", readOnlyAccounts: new() { ["lis"] = "lis-secret" }, tasks: "retrieval-index/1.0.0", textureTestModel: true);
        using var service = workspace.Start();
        await using var probe = await MqttProbe.StartAsync(port, "lis", "lis-secret");
        await probe.WaitForAsync(p => p.On("box1/metrics").Count > 0, Patience, "the node publishing\n" + service.Output);
        using var slide = new TextureSlide(4 * Tile, 2 * Tile, [("brick", 0, 0, 2 * Tile, 2 * Tile), ("grass", 2 * Tile, 0, 4 * Tile, 2 * Tile)], "flooded.tiff");
        workspace.Drop(slide.Path);
        await probe.WaitForAsync(p => p.On("/result").Count >= 1, Patience, "a result\n" + service.Output);

        await using var lis = await MqttAdminClient.ConnectAsync(port, "lis", "lis-secret", "edgeruntime/box1/requests/replies/lis/lis-1");
        await using var admin = await MqttAdminClient.ConnectAsync(port, "admin", "admin-secret", "edgeruntime/box1/admin/replies/admin-1");
        var warm = await lis.RequestAsync(Requests, new { text = "grass", top = 3 }, "warm", Patience);
        Assert.True(warm.GetProperty("ok").GetBoolean(), warm.ToString());
        Assert.Equal("flooded.tiff", warm.GetProperty("hits")[0].GetProperty("fileName").GetString());
        var idleClock = Stopwatch.StartNew();
        await admin.SendAsync("edgeruntime/box1/admin/plugins/list", null, "admin-idle");
        var idle = await WaitForReplyAsync(admin, "admin-idle");
        idleClock.Stop();
        Assert.True(idle.GetProperty("ok").GetBoolean(), idle.ToString());
        var before = service.ResidentBytes;

        // The flood: 300 requests sent without waiting for any reply, the admin's after the first 100.
        var word = new string('n', 60_000);
        var sent = new List<string>();
        var adminClock = new Stopwatch();
        Task<JsonElement>? adminReply = null;
        var floodClock = Stopwatch.StartNew();
        for (var i = 0; i < 300; i++)
        {
            object body = (i % 3) switch
            {
                0 => new { text = word, top = 5 },
                1 => new JsonObject { ["vector"] = new JsonArray(1, 0, 0), ["model"] = new JsonObject { ["id"] = $"model-{i}-{new string('x', 200)}", ["version"] = "1" } },
                _ => new { text = new string('m', 100_000) }, // over the 64 KiB limit
            };
            var correlation = string.Create(CultureInfo.InvariantCulture, $"f{i}");
            await lis.SendAsync(Requests, body, correlation);
            sent.Add(correlation);
            if (i == 100)
            {
                adminClock.Start();
                await admin.SendAsync("edgeruntime/box1/admin/plugins/list", null, "admin-list");
                adminReply = Task.Run(async () =>
                {
                    var reply = await WaitForReplyAsync(admin, "admin-list");
                    adminClock.Stop();
                    return reply;
                });
            }
        }

        var listed = await adminReply!;
        Assert.True(listed.GetProperty("ok").GetBoolean(), listed.ToString());
        var replies = new List<JsonElement>();
        foreach (var correlation in sent)
        {
            replies.Add(await WaitForReplyAsync(lis, correlation));
        }

        floodClock.Stop();
        var after = service.ResidentBytes;
        string Reason(JsonElement r) => r.TryGetProperty("reason", out var reason) ? reason.GetString()! : string.Empty;
        var done = replies.Count(r => r.GetProperty("ok").GetBoolean());
        var busy = replies.Count(r => Reason(r).StartsWith("busy:", StringComparison.Ordinal));
        var tooLarge = replies.Count(r => Reason(r).StartsWith("payload: the body is", StringComparison.Ordinal));
        var noIndex = replies.Count(r => Reason(r).Contains("has no index on this node", StringComparison.Ordinal));
        log.WriteLine($"flood of {sent.Count} read-only requests in {floodClock.Elapsed.TotalSeconds:0.0} s: {done} answered, {busy} busy, {tooLarge} too large, {noIndex} unknown model");
        log.WriteLine($"admin plugins/list answered {adminClock.Elapsed.TotalMilliseconds:0} ms after it was sent mid-flood ({idleClock.Elapsed.TotalMilliseconds:0} ms idle)");
        log.WriteLine($"service RSS before the flood {before / 1048576.0:0} MiB, after {after / 1048576.0:0} MiB, peak {service.PeakResidentBytes / 1048576.0:0} MiB");

        // Every body over the limit is refused on arrival, unread; every novel model id is refused or found busy, never opened.
        Assert.Equal(100, tooLarge);
        Assert.Equal(100, replies.Where((_, i) => i % 3 == 1).Count(r => Reason(r).Contains("has no index on this node", StringComparison.Ordinal) || Reason(r).StartsWith("busy:", StringComparison.Ordinal)));
        Assert.All(replies.Where((_, i) => i % 3 == 0), r => Assert.True(r.GetProperty("ok").GetBoolean() || Reason(r).StartsWith("busy:", StringComparison.Ordinal), r.ToString()));

        // Bounded, not timed: the tester saw 1.5 GB more after 300 such requests, never released.
        Assert.True(after - before < 256L << 20, $"RSS grew from {before >> 20} to {after >> 20} MiB");
        var state = workspace.PathOf("state/tasks/retrieval-index");
        Assert.Single(Directory.GetDirectories(state)); // the one model that indexed a slide
        Assert.Equal(0, service.Stop(TimeSpan.FromSeconds(30)));
    }

    private static async Task<JsonElement> WaitForReplyAsync(MqttAdminClient client, string correlation)
    {
        var until = DateTime.UtcNow + Patience;
        while (!client.HasReply(correlation))
        {
            Assert.True(DateTime.UtcNow < until, $"no reply to {correlation} within {Patience.TotalSeconds} s");
            await Task.Delay(20);
        }

        return client.Reply(correlation);
    }
}
