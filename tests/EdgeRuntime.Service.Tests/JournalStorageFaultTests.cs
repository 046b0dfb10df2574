using EdgeRuntime.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace EdgeRuntime.Service.Tests;

/// <summary>
/// The journal's own storage failing under a real <c>edgert run</c> and a real Mosquitto: its disk full as a slide
/// ends, and a file at its path that cannot be a journal at start-up.
/// </summary>
public sealed class JournalStorageFaultTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(300);

    [Fact]
    public async Task A_full_journal_disk_as_a_slide_ends_keeps_the_service_running_and_the_slide_is_done_once_when_space_returns()
    {
        using var broker = new Mosquitto();
        using var workspace = new ServiceWorkspace(broker.Port, embedded: false);
        var state = Path.GetDirectoryName(workspace.PathOf("state/journal.db"))!;
        Directory.CreateDirectory(state);

        // The journal's own small disk, filled while the slide is in the middle of its run: its results are written,
        // and the journal cannot record that it is done.
        ExternalTool.Run("/bin/mount", ["-t", "tmpfs", "-o", "size=4m", "tmpfs", state]);
        var filler = Path.Combine(state, "filler");
        try
        {
            await using var probe = await MqttProbe.StartAsync(broker.Port);
            using var service = workspace.Start();
            await probe.WaitForAsync(p => p.On("box1/status").Any(s => s.Payload.GetProperty("state").GetString() == "online"), Patience, "the node online\n" + service.Output);
            using var slide = Slides.Large(11);
            workspace.Drop(slide.Path);
            await WaitForOutputAsync(service, " processing: ", "the slide taken");
            service.Pause();
            try
            {
                Fill(filler);
            }
            finally
            {
                service.Resume();
            }

            await WaitForOutputAsync(service, "the journal cannot record how it ended", "the full journal met as the slide ended");
            await Task.Delay(3000); // a few more tries against the full disk
            Assert.True(service.Running, "the service stopped on a full journal disk\n" + service.Output);
            Assert.DoesNotContain(probe.On("/state"), s => s.Payload.GetProperty("state").GetString() == "failed");
            Assert.Empty(probe.On("/result"));

            File.Delete(filler);
            await probe.WaitForAsync(p => p.On("/result").Count == 1 && p.On("/state").Any(s => s.Payload.GetProperty("state").GetString() == "done"), Patience, "the result once the journal had space\n" + service.Output);
            Assert.Contains("recorded in the journal", service.Output, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(workspace.Inbox, "done", Path.GetFileName(slide.Path))), "the slide not in done/\n" + service.Output);
            Assert.Equal(0, service.Stop(TimeSpan.FromSeconds(60)));
            Assert.Single(probe.On("/result"));
            Assert.DoesNotContain(probe.On("/state"), s => s.Payload.GetProperty("state").GetString() == "failed");
            output.WriteLine($"journal disk full as the slide ended: service kept running, failed 0, results {probe.On("/result").Count}");
        }
        finally
        {
            ExternalTool.Run("/bin/umount", ["-l", state]);
        }
    }

    public static TheoryData<string, string> Unusable => new()
    {
        { "a folder", "the path is a folder, not a file" },
        { "random bytes", "the file is not a journal (not an SQLite database" },
    };

    [Theory]
    [MemberData(nameof(Unusable))]
    public void A_journal_path_holding_what_cannot_be_a_journal_stops_the_start_with_one_line_naming_the_file(string what, string expected)
    {
        using var broker = new Mosquitto();
        using var workspace = new ServiceWorkspace(broker.Port, embedded: false);
        var journal = workspace.PathOf("state/journal.db");
        Directory.CreateDirectory(Path.GetDirectoryName(journal)!);
        if (what == "a folder")
        {
            Directory.CreateDirectory(journal);
        }
        else
        {
            File.WriteAllBytes(journal, [.. Enumerable.Range(0, 8192).Select(i => (byte)((i * 7919) % 251))]);
        }

        using var service = workspace.Start();
        var deadline = DateTime.UtcNow + Patience;
        while (service.Running)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the service started on {what} at its journal's path\n" + service.Output);
            Thread.Sleep(200);
        }

        var code = service.Stop(TimeSpan.FromSeconds(5));
        Assert.DoesNotContain("Unhandled exception", service.Output, StringComparison.Ordinal);
        if (what == "a folder")
        {
            // A folder is seen from the configuration, before the model opens: a usage error naming the key.
            Assert.True(code == 2, $"exit code {code}\n{service.Output}");
            Assert.Contains($"EdgeRuntime:Journal:DatabasePath: {journal}: a folder", service.Output, StringComparison.Ordinal);
            return;
        }

        Assert.True(code == 1, $"exit code {code}\n{service.Output}");
        Assert.Contains($"edgert: {journal}: the journal could not be read or written: {expected}", service.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("SQLite Error", service.Output.Split('\n').Single(l => l.StartsWith("edgert: ", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    private static void Fill(string path)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        var block = new byte[64 * 1024];
        try
        {
            while (true)
            {
                stream.Write(block);
                stream.Flush();
            }
        }
        catch (IOException)
        {
            // ENOSPC: the disk is full.
        }
    }

    private static async Task WaitForOutputAsync(ServiceProcess service, string text, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!service.Output.Contains(text, StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, $"never saw {what}\n" + service.Output);
            Assert.True(service.Running, $"the service ended before {what}\n" + service.Output);
            await Task.Delay(50);
        }
    }
}
