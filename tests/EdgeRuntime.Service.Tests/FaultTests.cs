using System.Text.Json;
using EdgeRuntime.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace EdgeRuntime.Service.Tests;

/// <summary>
/// Faults made to happen against a real <c>edgert run</c>: a thousand damaged files, SIGKILL at random points of the
/// work, the broker gone for a minute and back without its memory, a results disk that fills up. Each test writes
/// its figures to the test output (the closing notes quote them).
/// </summary>
public sealed class FaultTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(600);

    private static string Id(JsonElement payload) => payload.GetProperty("slideId").GetString()!;

    [Fact]
    public async Task A_thousand_damaged_files_never_crash_the_service_and_each_ends_failed_with_a_reason_or_done()
    {
        using var broker = new Mosquitto();
        using var workspace = new ServiceWorkspace(broker.Port, embedded: false);

        // Weighted towards the small sources, so that damaged files that still open are quick to process.
        string[] sources = [.. Enumerable.Repeat(TestData.Slide("small.svs"), 3), .. Enumerable.Repeat(TestData.Slide("boxes.tiff"), 3),
            TestData.Slide("unreadable.svs"), TestData.Slide("boxes.png"), TestData.Slide("CMU-1-Small-Region.svs"), TestData.Slide("test3-DAPI-2.ndpi")];
        var corpus = DamagedSlideCorpus.Write(workspace.Inbox, sources, count: 1000, seed: 20261202);

        using var service = workspace.Start();
        var deadline = DateTime.UtcNow + Patience;
        var peak = 0L;
        while (Directory.EnumerateFiles(workspace.Inbox).Any())
        {
            Assert.True(service.Running, "the service died on a damaged file\n" + Tail(service.Output));
            Assert.True(DateTime.UtcNow < deadline, $"{Directory.EnumerateFiles(workspace.Inbox).Count()} files still in the inbox\n" + Tail(service.Output));
            peak = Math.Max(peak, service.PeakResidentBytes);
            await Task.Delay(500);
        }

        peak = Math.Max(peak, service.PeakResidentBytes);
        var failedFolder = Path.Combine(workspace.Inbox, "failed");
        var doneFolder = Path.Combine(workspace.Inbox, "done");
        var failed = corpus.Where(c => File.Exists(Path.Combine(failedFolder, c.Name))).ToList();
        var done = corpus.Where(c => File.Exists(Path.Combine(doneFolder, c.Name))).ToList();
        Assert.Equal(corpus.Count, failed.Count + done.Count); // none lost, none in both
        foreach (var (name, _) in failed)
        {
            var note = Path.Combine(failedFolder, name + ".reason.txt");
            Assert.True(File.Exists(note), $"{name} failed without a reason note");
            Assert.Contains(name, File.ReadAllText(note));
        }

        // Memory stays bounded: below the 2 GiB a small edge box can spare, whatever the files declare.
        Assert.True(peak < 2L << 30, $"peak RSS {peak >> 20} MiB");
        Assert.True(service.Running);
        Assert.Equal(0, service.Stop(TimeSpan.FromSeconds(60)));

        foreach (var kind in DamagedSlideCorpus.Kinds)
        {
            output.WriteLine($"{kind}: {corpus.Count(c => c.Kind == kind)} files, {failed.Count(c => c.Kind == kind)} failed with a reason, {done.Count(c => c.Kind == kind)} done");
        }

        output.WriteLine($"files {corpus.Count}, failed {failed.Count}, done {done.Count}, lost 0, crashes 0, peak RSS {peak >> 20} MiB");
    }

    private static string Tail(string text) => text.Length > 6000 ? text[^6000..] : text;
}
