using System.Text.Json;
using EdgeRuntime.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace EdgeRuntime.Service.Tests;

/// <summary>
/// Issue 22 §1, §5 and issue 23 §3 against a real <c>edgert run</c> and a real Mosquitto: a results folder that
/// cannot be written, the journal deleted under the service, a kill and what the next start says, a duplicate drop.
/// </summary>
public sealed class IntakeAndJournalFaultTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(300);

    public static TheoryData<string> StoreFaults => ["read-only file system (EROFS)", "immutable folder (EPERM)", "a file where the folder was (ENOTDIR)"];

    [Theory]
    [MemberData(nameof(StoreFaults))]
    public async Task A_results_folder_that_cannot_be_written_keeps_the_slide_queued_and_it_is_done_once_it_can(string fault)
    {
        using var broker = new Mosquitto();
        using var workspace = new ServiceWorkspace(broker.Port, embedded: false);
        Directory.CreateDirectory(workspace.Results);
        var (repair, cleanUp) = Break(fault, workspace.Results);
        try
        {
            await using var probe = await MqttProbe.StartAsync(broker.Port);
            using var service = workspace.Start();
            using var slide = Slides.Small(30);
            workspace.Drop(slide.Path);
            await probe.WaitForAsync(p => p.On("/state").Any(s => IsWaitingForStore(s.Payload)), Patience, $"the slide waiting for the results folder ({fault})\n" + service.Output);
            await Task.Delay(3000); // a few more attempts against the broken folder
            Assert.Empty(probe.On("/result"));
            Assert.DoesNotContain(probe.On("/state"), s => s.Payload.GetProperty("state").GetString() == "failed");
            Assert.True(File.Exists(Path.Combine(workspace.Inbox, Path.GetFileName(slide.Path))), "the slide left the inbox");

            repair();
            await probe.WaitForAsync(p => p.On("/result").Count == 1, Patience, "the result once the folder can be written\n" + service.Output);
            Assert.Equal(0, service.Stop(TimeSpan.FromSeconds(60)));
            var attempts = probe.On("/state").Count(s => s.Payload.GetProperty("state").GetString() == "processing");
            output.WriteLine($"{fault}: attempts {attempts}, failed 0, result 1");
        }
        finally
        {
            repair();
            cleanUp();
        }
    }

    [Fact]
    public async Task The_journal_deleted_while_the_service_runs_stops_it_with_a_critical_message()
    {
        using var broker = new Mosquitto();
        using var workspace = new ServiceWorkspace(broker.Port, embedded: false);
        await using var probe = await MqttProbe.StartAsync(broker.Port);
        using var service = workspace.Start();
        await probe.WaitForAsync(p => p.On("box1/status").Any(s => s.Payload.GetProperty("state").GetString() == "online"), Patience, "the node online\n" + service.Output);

        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(workspace.PathOf("state/journal.db"))!, "journal.db*"))
        {
            File.Delete(file); // rm state/journal.db*
        }

        var deadline = DateTime.UtcNow + Patience;
        while (service.Running)
        {
            Assert.True(DateTime.UtcNow < deadline, "the service went on with its journal deleted\n" + service.Output);
            await Task.Delay(200);
        }

        var code = service.Stop(TimeSpan.FromSeconds(5));
        Assert.True(code == 74, $"exit code {code}\n{service.Output}");
        Assert.Contains("the journal was deleted while the service was running", service.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_a_kill_status_says_interrupted_and_the_next_start_says_unclean_before_online_and_why_each_slide_is_pending()
    {
        using var broker = new Mosquitto();
        using var workspace = new ServiceWorkspace(broker.Port, embedded: false);
        await using var probe = await MqttProbe.StartAsync(broker.Port);
        using var slide = Slides.Large(7);
        string id;
        using (var first = workspace.Start())
        {
            await probe.WaitForAsync(p => p.On("box1/status").Count > 0, Patience, "the node online\n" + first.Output);
            workspace.Drop(slide.Path);
            await probe.WaitForAsync(p => p.On("/state").Any(s => s.Payload.GetProperty("state").GetString() == "processing"), Patience, "the slide in progress\n" + first.Output);
            id = SlideMessages.Id(probe.On("/state").First(s => s.Payload.GetProperty("state").GetString() == "processing").Payload);
            first.KillHard();
        }

        // Nothing runs: the slide is not "in progress".
        var (code, text, error) = Edgert("status", "--config", workspace.ConfigPath);
        Assert.True(code == 0, error);
        Assert.Contains("Service:     not running", text, StringComparison.Ordinal);
        Assert.Contains("0 waiting, 1 interrupted", text, StringComparison.Ordinal);
        Assert.Contains($"interrupted {id}", text, StringComparison.Ordinal);

        var before = probe.On("box1/status").Count;
        using var second = workspace.Start();
        await probe.WaitForAsync(p => p.On("/result").Count == 1, Patience, "the slide done after the restart\n" + second.Output);

        // The second process's own status messages: offline and unclean, about the run before, then online.
        var statuses = probe.On("box1/status").Skip(before).Select(s => s.Payload).ToList();
        var online = statuses.FindIndex(s => s.GetProperty("state").GetString() == "online");
        Assert.True(online > 0, "no status before online: " + string.Join("\n", statuses));
        var told = statuses[online - 1];
        Assert.Equal(("offline", false), (told.GetProperty("state").GetString(), told.GetProperty("clean").GetBoolean()));
        Assert.True(told.TryGetProperty("at", out _), "the message before online is the broker's will, not the node's own account: " + told); // the will carries no time

        // The journal said which slide was interrupted, and the LIS heard it.
        Assert.Contains(probe.On($"slides/{id}/state"), s => s.Payload.GetProperty("state").GetString() == "pending" && (s.Payload.GetProperty("reason").GetString() ?? string.Empty).Contains("interrupted: the service stopped uncleanly", StringComparison.Ordinal));
        Assert.Equal(0, second.Stop(TimeSpan.FromSeconds(60)));

        // Done, and where the file and results are now.
        (code, text, error) = Edgert("status", "--json", "--config", workspace.ConfigPath);
        Assert.True(code == 0, error);
        using var status = JsonDocument.Parse(text);
        var record = status.RootElement.GetProperty("slides").EnumerateArray().Single();
        Assert.Equal("done", record.GetProperty("state").GetString());
        Assert.Equal(Path.Combine(workspace.Inbox, "done", Path.GetFileName(slide.Path)), record.GetProperty("location").GetString());
        Assert.Equal(Path.Combine(workspace.Results, id), record.GetProperty("results").GetString());
        Assert.False(status.RootElement.GetProperty("serviceRunning").GetBoolean());
    }

    [Fact]
    public async Task A_duplicate_drop_is_published_on_the_slide_s_duplicate_topic_with_both_names()
    {
        using var broker = new Mosquitto();
        using var workspace = new ServiceWorkspace(broker.Port, embedded: false);
        await using var probe = await MqttProbe.StartAsync(broker.Port);
        using var service = workspace.Start();
        using var slide = Slides.Small(31);
        workspace.Drop(slide.Path);
        await probe.WaitForAsync(p => p.On("/result").Count == 1, Patience, "the slide done\n" + service.Output);
        var id = SlideMessages.Id(probe.On("/result")[0].Payload);

        workspace.Drop(slide.Path, "CMU-1-again.tiff");
        await probe.WaitForAsync(p => p.On("/duplicate").Count == 1, Patience, "the duplicate published\n" + service.Output);
        var duplicate = probe.On($"slides/{id}/duplicate").Single().Payload;
        Assert.Equal(("CMU-1-again.tiff", Path.GetFileName(slide.Path), "done"), (duplicate.GetProperty("file").GetString(), duplicate.GetProperty("firstFile").GetString(), duplicate.GetProperty("state").GetString()));
        Assert.Single(probe.On("/result")); // not processed twice
        Assert.Equal(0, service.Stop(TimeSpan.FromSeconds(60)));
    }

    private static bool IsWaitingForStore(JsonElement state) =>
        state.GetProperty("state").GetString() == "pending" && (state.GetProperty("reason").GetString() ?? string.Empty).Contains("waiting for the results folder to be writable", StringComparison.Ordinal);

    // Tests run as root, for whom a chmod'ed folder is writable (EACCES cannot be made here): a read-only mount, the
    // immutable attribute, and a regular file in the folder's place are what refuse root too. Returns the repair
    // (may run twice) and what undoes the test's set-up.
    private static (Action Repair, Action CleanUp) Break(string fault, string results)
    {
        switch (fault)
        {
            case "read-only file system (EROFS)":
                ExternalTool.Run("/bin/mount", ["-t", "tmpfs", "-o", "ro,size=64m", "tmpfs", results]);
                return (() => ExternalTool.Run("/bin/mount", ["-o", "remount,rw", results]), () => ExternalTool.Run("/bin/umount", ["-l", results]));
            case "immutable folder (EPERM)":
                ExternalTool.Run("/usr/bin/chattr", ["+i", results]);
                return (() => ExternalTool.Run("/usr/bin/chattr", ["-i", results]), () => { });
            default:
                Directory.Delete(results);
                File.WriteAllText(results, "not a folder");
                return (
                    () =>
                    {
                        if (File.Exists(results))
                        {
                            File.Delete(results);
                        }
                    },
                    () => { }
                );
        }
    }

    private static (int Code, string Out, string Error) Edgert(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        return (EdgeRuntime.Cli.EdgertApp.Run(args, stdout, stderr), stdout.ToString(), stderr.ToString());
    }
}
