using System.Text.Json.Nodes;
using EdgeRuntime.Journal;
using EdgeRuntime.Journal.Signals;
using EdgeRuntime.Lis.Delivery;
using EdgeRuntime.Lis.Hl7v2;
using EdgeRuntime.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeRuntime.Lis.Tests;

public sealed class Hl7OutboxTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task An_ORU_from_the_outbox_reaches_an_MLLP_listener_and_is_parsed_back_by_python_hl7()
    {
        using var listener = new MllpListener();
        var options = Options(listener.Port);
        var journal = new SlideJournal(temp.File("state/journal.db"));
        journal.UseSinks([MllpSink.SinkName]);
        using var signal = new OutboxSignal();
        using var publisher = new LisPublisher([Sink(options)], journal, signal, options, NullLogger<LisPublisher>.Instance);
        await publisher.StartAsync(CancellationToken.None);
        journal.Enqueue([ResultFixture.Done(sequence: 0)]);
        signal.Set();
        Assert.True(await listener.Received.WaitAsync(TimeSpan.FromSeconds(30)), "no message reached the listener");
        await WaitForAsync(() => journal.PeekOutbox(MllpSink.SinkName, 1).Count == 0);
        await publisher.StopAsync(CancellationToken.None);

        var message = listener.Messages.Single();
        var parsed = JsonNode.Parse(ExternalTool.Run(ExternalTool.DebianPython, ["-c", """
            import sys, json, hl7
            m = hl7.parse(sys.stdin.read())
            obx = [s for s in m.segments('OBX')]
            print(json.dumps({
                "type": str(m.segment('MSH')[9]), "version": str(m.segment('MSH')[12]),
                "accession": str(m.segment('OBR')[2]), "filler": str(m.segment('OBR')[3][0][0]), "status": str(m.segment('OBR')[25]),
                "section": str(m.segment('OBR')[24]),
                "first": [str(obx[0][3][0][0]), str(obx[0][3][0][1]), str(obx[0][5]), str(obx[0][11]), str(obx[0][18][0][0])],
                "identifiers": {str(s[3][0][0]): [m.unescape(str(s[5])), str(s[17][0][0])] for s in obx if str(s[2]) == 'ST'},
                "artefacts": [str(s[5][0][0]) for s in obx if str(s[2]) == 'RP'],
                "nte": str(m.segment('NTE')[3]),
                "segments": len(m),
            }))
            """], stdin: message))!;

        var result = ResultFixture.Result();
        var top = result["tasks"]!["zero-shot-tagging"]!["output"]!["tags"]![0]!;
        var slideId = result["slideId"]!.GetValue<string>();
        Assert.Equal("ORU^R01^ORU_R01", parsed["type"]!.GetValue<string>());
        Assert.Equal("2.5.1", parsed["version"]!.GetValue<string>());
        Assert.Equal(("S24-01234", slideId, "P", "SP"), (parsed["accession"]!.GetValue<string>(), parsed["filler"]!.GetValue<string>(), parsed["status"]!.GetValue<string>(), parsed["section"]!.GetValue<string>()));
        var first = parsed["first"]!.AsArray().Select(n => n!.GetValue<string>()).ToArray();
        Assert.Equal("slide-tag-score", first[0]);
        Assert.Equal($"Slide tag score: {top["class"]}", first[1]);
        Assert.Equal(Math.Round(top["score"]!.GetValue<double>(), 6), double.Parse(first[2], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("P", first[3]);
        Assert.StartsWith(result["provenance"]!["model"]!["id"]!.GetValue<string>(), first[4], StringComparison.Ordinal);

        // "H&E" went through HL7's escaping (\T\) and came back whole through the parser's unescape.
        Assert.Equal("H&E", parsed["identifiers"]!["stain"]![0]!.GetValue<string>());
        Assert.Equal(["S24-01234", "sidecar"], parsed["identifiers"]!["accession"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal($"https://box1.example.org:9464/results/{slideId}/overlay.png", parsed["artefacts"]![0]!.GetValue<string>());
        Assert.Contains("AIAST", parsed["nte"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refusing_acknowledgement_keeps_the_message_with_the_reason_and_moves_on()
    {
        using var listener = new MllpListener("AE");
        var options = Options(listener.Port);
        var delivered = await Sink(options).DeliverAsync(ResultFixture.Done(sequence: 12), CancellationToken.None);
        Assert.True(delivered);
        var slideId = ResultFixture.Result()["slideId"]!.GetValue<string>();
        var kept = Path.Combine(options.RefusedFolder, $"{slideId}.hl7-mllp.hl7");
        Assert.Equal(listener.Messages.Single(), File.ReadAllText(kept));
        Assert.Contains("acknowledgement AE: OBR-2 accession S24-01234 is not an open case", File.ReadAllText(kept + ".reason.txt"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_receiver_leaves_the_result_in_the_outbox()
    {
        using var listener = new MllpListener();
        var port = listener.Port;
        listener.Dispose();
        var journal = new SlideJournal(temp.File("state/journal.db"));
        journal.UseSinks([MllpSink.SinkName]);
        journal.Enqueue([ResultFixture.Done(sequence: 0)]);
        var sent = await Journal.Outbox.OutboxDrain.DrainAsync(journal, Sink(Options(port)), CancellationToken.None);
        Assert.Equal(0, sent);
        Assert.Single(journal.PeekOutbox(MllpSink.SinkName, 10));
    }

    [Fact]
    public void Delimiters_and_line_breaks_in_values_cannot_break_the_message()
    {
        var result = ResultFixture.Result();
        result["tasks"]!["zero-shot-tagging"]!["output"]!["tags"]![0]!["class"] = "tumour|stroma^x\rOBX|99|ST|forged";
        var message = new OruMessageBuilder(ResultFixture.Options()).Build(LisReport.Of(result), "1");
        Assert.DoesNotContain(message.Split('\r'), s => s.StartsWith("OBX|99", StringComparison.Ordinal));
        Assert.Contains(@"tumour\F\stroma\S\x OBX\F\99\F\ST\F\forged", message, StringComparison.Ordinal);
    }

    private LisOptions Options(int port)
    {
        var options = ResultFixture.Options(temp.File("refused"));
        options.Hl7.Host = "127.0.0.1";
        options.Hl7.Port = port;
        options.Hl7.TimeoutSeconds = 10;
        return options;
    }

    private static MllpSink Sink(LisOptions options) =>
        new(new OruMessageBuilder(options), new RefusedMessages(options), options, NullLogger<MllpSink>.Instance);

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var i = 0; i < 300 && !condition(); i++)
        {
            await Task.Delay(100);
        }

        Assert.True(condition());
    }
}
