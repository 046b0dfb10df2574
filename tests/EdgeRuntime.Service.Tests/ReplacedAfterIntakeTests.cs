using System.Text.Json.Nodes;
using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Service.Tests;

/// <summary>
/// A slide file replaced between intake and processing by something that is not a regular file (a link to a slide
/// outside the inbox, a named pipe) is never handed to a reader: the slide fails with the reason. The reader opens
/// the file by name and would follow the link (processing and publishing a file from outside the inbox) or block on
/// the pipe. The slide is held between the two by a results folder that cannot be written (a file in its place),
/// which sends it back to pending until the folder is repaired; the replacement happens while the service is stopped
/// and its inbox is moved, so that the inbox watcher (which moves a link or a pipe in the inbox aside on sight) does
/// not race the check.
/// </summary>
public sealed class ReplacedAfterIntakeTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(300);

    [Theory]
    [InlineData("link", "is now a symbolic link, not the regular file taken into the inbox; not opened.")]
    [InlineData("fifo", "is now a named pipe (FIFO), not the regular file taken into the inbox; not opened.")]
    public async Task A_slide_replaced_after_intake_by_what_is_not_a_regular_file_fails_with_the_reason_unopened(string replacement, string reason)
    {
        using var broker = new Mosquitto();
        using var workspace = new ServiceWorkspace(broker.Port, embedded: false);
        await using var probe = await MqttProbe.StartAsync(broker.Port);
        if (Directory.Exists(workspace.Results))
        {
            Directory.Delete(workspace.Results);
        }

        File.WriteAllText(workspace.Results, "not a folder"); // ENOTDIR: the slide waits, pending, for the store
        var first = workspace.Start();
        using var slide = Slides.Small(3);
        using var outside = Slides.Small(4);
        var inInbox = workspace.Drop(slide.Path);
        await probe.WaitForAsync(p => p.On("/state").Any(s => IsWaitingForStore(s.Payload)), Patience, "the slide waiting for the results folder\n" + first.Output);
        var id = SlideMessages.Id(probe.On("/state").First(s => IsWaitingForStore(s.Payload)).Payload);
        Assert.Equal(0, first.Stop(TimeSpan.FromSeconds(60)));
        first.Dispose();

        // While the service is stopped, the file is replaced (made beside it, renamed over it), and the inbox is
        // moved elsewhere: the inbox watcher, which would move a link or a pipe in the inbox aside on sight, does not
        // race the check this test is about.
        var replacing = Path.Combine(workspace.Inbox, ".replacing");
        if (replacement == "link")
        {
            File.CreateSymbolicLink(replacing, outside.Path);
        }
        else
        {
            ExternalTool.Run("mkfifo", [replacing]);
        }

        File.Move(replacing, inInbox, overwrite: true);
        File.Delete(workspace.Results);
        var config = JsonNode.Parse(File.ReadAllText(workspace.ConfigPath))!;
        config["EdgeRuntime"]!["Inbox"]!["Path"] = Directory.CreateDirectory(workspace.Inbox + "-moved").FullName;
        File.WriteAllText(workspace.ConfigPath, config.ToJsonString());

        using var service = workspace.Start();
        await probe.WaitForAsync(p => p.On($"slides/{id}/state").Any(s => s.Payload.GetProperty("state").GetString() is "failed" or "done"), Patience, "the slide ended\n" + service.Output);

        var failed = probe.On($"slides/{id}/state").Last().Payload;
        Assert.Equal("failed", failed.GetProperty("state").GetString());
        var said = failed.GetProperty("reason").GetString() ?? string.Empty;
        Assert.True(said.Contains(reason, StringComparison.Ordinal), said + "\n" + service.Output);
        Assert.Empty(probe.On("/result"));
        Assert.True(service.Running, service.Output);
        Assert.Equal(0, service.Stop(TimeSpan.FromSeconds(60)));
    }

    private static bool IsWaitingForStore(System.Text.Json.JsonElement state) =>
        state.GetProperty("state").GetString() == "pending" && (state.GetProperty("reason").GetString() ?? string.Empty).Contains("waiting for the results folder to be writable", StringComparison.Ordinal);
}
