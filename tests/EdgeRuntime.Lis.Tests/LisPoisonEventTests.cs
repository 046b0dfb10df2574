using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using EdgeRuntime.Journal;
using EdgeRuntime.Journal.Signals;
using EdgeRuntime.Lis.Delivery;
using EdgeRuntime.Lis.Fhir;
using EdgeRuntime.Lis.Hl7v2;
using EdgeRuntime.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeRuntime.Lis.Tests;

/// <summary>
/// One event can never end an LIS sink's loop (which, as a hosted service's, would stop the whole service, and again
/// at every restart while the event waits in the outbox). A result document this version cannot read (from a fleet box
/// of another version, from before an upgrade) is kept with the field that is wrong and later results go on; a
/// delivery that throws (a refusal that cannot be kept: the disk) is tried again. Real MLLP listener, real HTTP
/// server, real journal.
/// </summary>
public sealed class LisPoisonEventTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    public static TheoryData<string, string> Unreadable => new()
    {
        { """{"provenance":null}""", "the result document has no 'provenance'" },
        { """{"processedAt":"yesterday"}""", "the result document's 'processedAt' is not a date and time" },
        { """{"reason":7}""", "the result document's 'reason' is not text" },
        { """{"tasks":{"zero-shot-tagging":{"output":{"tags":[3]}}}}""", "'tasks.zero-shot-tagging.output.tags' is not a list of objects" },
        { """{"tasks":{"zero-shot-tagging":"x"},"tiles":[1]}""", "the result document has no 'kept'" },
    };

    [Theory]
    [MemberData(nameof(Unreadable))]
    public async Task A_result_this_version_cannot_read_is_kept_with_the_field_and_the_next_result_is_delivered(string change, string reason)
    {
        using var listener = new MllpListener();
        var options = ResultFixture.Options(temp.File("refused"));
        options.Hl7.Host = "127.0.0.1";
        options.Hl7.Port = listener.Port;
        var journal = new SlideJournal(temp.File("state/journal.db"));
        journal.UseSinks([MllpSink.SinkName]);
        using var signal = new OutboxSignal();
        var sink = new MllpSink(new OruMessageBuilder(options), new RefusedMessages(options), options, NullLogger<MllpSink>.Instance);
        using var publisher = new LisPublisher([sink], journal, signal, options, NullLogger<LisPublisher>.Instance);
        await publisher.StartAsync(CancellationToken.None);

        var poison = Changed(ResultFixture.Result(), change);
        var poisonId = poison["slideId"]!.GetValue<string>();
        journal.Enqueue([ResultFixture.Done(sequence: 0, result: poison), ResultFixture.Done(sequence: 0)]);
        signal.Set();

        Assert.True(await listener.Received.WaitAsync(TimeSpan.FromSeconds(30)), "the result after the unreadable one never reached the listener");
        await WaitForAsync(() => journal.PeekOutbox(MllpSink.SinkName, 1).Count == 0);
        Assert.False(publisher.ExecuteTask!.IsCompleted, "the LIS loop ended: " + publisher.ExecuteTask.Exception?.Message);
        await publisher.StopAsync(CancellationToken.None);

        Assert.Single(listener.Messages);
        var kept = Path.Combine(options.RefusedFolder, $"{poisonId}.{MllpSink.SinkName}.result.json");
        Assert.Equal(poison.ToJsonString(), File.ReadAllText(kept));
        var why = File.ReadAllText(kept + ".reason.txt");
        Assert.Contains(reason, why, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", why, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refusal_that_cannot_be_kept_is_tried_again_and_the_sink_goes_on_once_it_can()
    {
        var port = Mosquitto.FreePort();
        using var server = new HttpListener();
        server.Prefixes.Add($"http://127.0.0.1:{port}/fhir/");
        server.Start();

        // Where refusals are kept is a file, not a folder, until the operator frees it (a full or broken disk alike).
        var refusedFolder = temp.File("refused");
        File.WriteAllText(refusedFolder, "in the way");
        var options = ResultFixture.Options(refusedFolder);
        options.Fhir.ServerUrl = $"http://127.0.0.1:{port}/fhir/";
        var journal = new SlideJournal(temp.File("state/journal.db"));
        journal.UseSinks([FhirServerSink.SinkName]);
        using var signal = new OutboxSignal();
        using var sink = new FhirServerSink(new FhirBundleBuilder(options), new RefusedMessages(options), options, NullLogger<FhirServerSink>.Instance);
        using var publisher = new LisPublisher([sink], journal, signal, options, NullLogger<LisPublisher>.Instance);
        var posts = 0;
        var serving = Task.Run(async () =>
        {
            while (true)
            {
                var context = await server.GetContextAsync();
                using (var reader = new StreamReader(context.Request.InputStream))
                {
                    await reader.ReadToEndAsync();
                }

                // The first result is refused for good (every time it comes, until the refusal is kept); the second is taken.
                Interlocked.Increment(ref posts);
                var refuse = !Directory.Exists(refusedFolder) || Directory.GetFiles(refusedFolder).Length == 0;
                context.Response.StatusCode = refuse ? 422 : 200;
                var body = refuse ? """{"resourceType":"OperationOutcome","issue":[{"severity":"error","diagnostics":"unknown accession"}]}""" : """{"resourceType":"Bundle","type":"transaction-response"}""";
                await context.Response.OutputStream.WriteAsync(Encoding.UTF8.GetBytes(body));
                context.Response.Close();
            }
        });

        await publisher.StartAsync(CancellationToken.None);
        journal.Enqueue([ResultFixture.Done(sequence: 0), ResultFixture.Done(sequence: 0)]);
        signal.Set();
        await WaitForAsync(() => Volatile.Read(ref posts) >= 2); // refused, could not be kept, and sent again
        Assert.False(publisher.ExecuteTask!.IsCompleted, "the LIS loop ended: " + publisher.ExecuteTask.Exception?.Message);
        Assert.Equal(2, journal.PeekOutbox(FhirServerSink.SinkName, 10).Count); // nothing lost meanwhile

        File.Delete(refusedFolder);
        await WaitForAsync(() => journal.PeekOutbox(FhirServerSink.SinkName, 10).Count == 0);
        await publisher.StopAsync(CancellationToken.None);
        var slideId = ResultFixture.Result()["slideId"]!.GetValue<string>();
        Assert.Contains("unknown accession", File.ReadAllText(Path.Combine(refusedFolder, $"{slideId}.{FhirServerSink.SinkName}.json.reason.txt")), StringComparison.Ordinal);
    }

    // The fixture's result with the fields of change put over it (processedAt: the provenance's).
    private static JsonObject Changed(JsonObject result, string change)
    {
        foreach (var (key, value) in JsonNode.Parse(change)!.AsObject())
        {
            var target = key == "processedAt" ? result["provenance"]!.AsObject() : result;
            target[key] = value?.DeepClone();
        }

        return result;
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, "timed out");
            await Task.Delay(50);
        }
    }
}
