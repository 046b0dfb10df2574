using EdgeRuntime.Inference.Prompts;
using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Cli.Tests;

/// <summary>
/// A prompt set (<c>-p</c>, <c>Processing:PromptSet</c>) that is not a regular file is refused with the path and what
/// it is: before, <c>edgert tag -p</c> a link to <c>/dev/zero</c> ended in .NET's stack trace, and a folder was "not found".
/// </summary>
public sealed class PromptSetFileKindTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Tag_with_a_prompt_set_linked_to_an_endless_device_exits_1_naming_it()
    {
        var prompts = temp.File("prompts.json");
        File.CreateSymbolicLink(prompts, "/dev/zero");
        var (code, _, error) = Edgert.Run("tag", TestData.Slide("boxes.png"), "-m", ReferenceModels.Package(ReferenceModels.Tiny), "-p", prompts);
        Assert.Equal(1, code);
        Assert.Contains($"{prompts}: a link to /dev/zero, a character device, not a prompt set.", error);
        Assert.DoesNotContain("   at ", error);
        DotnetNames.AssertNone(error);
    }

    [Fact]
    public async Task A_folder_or_a_pipe_is_named_for_what_it_is()
    {
        var folder = Directory.CreateDirectory(temp.File("prompts.json")).FullName;
        Assert.Equal($"{folder}: a folder, not a prompt set.", Assert.Throws<InvalidDataException>(() => PromptSetFile.Load(folder)).Message);
        var pipe = temp.File("pipe.json");
        ExternalTool.Run("/usr/bin/mkfifo", [pipe]);
        var load = Task.Run(() => Assert.Throws<InvalidDataException>(() => PromptSetFile.Load(pipe)));
        var refused = await load.WaitAsync(TimeSpan.FromMinutes(2)); // a guard against reading the pipe for ever, not a timing
        Assert.Equal($"{pipe}: a named pipe (FIFO), not a prompt set.", refused.Message);
    }
}
