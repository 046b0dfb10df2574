using System.Text.RegularExpressions;
using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Architecture.Tests;

// The CLI builds its object graph in one place, the composition (Hosting/Composition, the service's Hosting/ServiceHost):
// a command that makes its own engine, task host, swap slot or request dispatcher runs a slide or answers a request
// with parts the service does not have (issue 24: SlideRunner.LoadTask and search did). EdgertSettings registers the
// service's composition into a collection it never builds, to check the configuration.
public sealed partial class CompositionSiteTests
{
    private static readonly string[] Composition = ["Hosting/Composition.cs", "Hosting/ServiceHost.cs", "Configuration/EdgertSettings.cs"];

    [Fact]
    public void Cli_commands_take_the_engine_task_host_slots_and_dispatcher_from_the_composition()
    {
        var cli = Path.Combine(TestData.RepoRoot, "src", "EdgeRuntime.Cli");
        var offenders = SourceScan.Offenders(cli, path => Composition.Contains(Path.GetRelativePath(cli, path)), BuildsAPart);
        Assert.True(offenders.Count == 0, "Resolve these from a container of Hosting/Composition:" + Environment.NewLine + string.Join(Environment.NewLine, offenders));
    }

    [Theory]
    [InlineData("var host = TaskHost.For(settings.Processing, loggers, models);", true)]
    [InlineData("using var tasks = new TaskProvider(index);", true)]
    [InlineData("using var provider = new ModelProvider(await SlideRunner.LoadModelAsync(settings, logger, token));", true)]
    [InlineData("var dispatcher = new RequestDispatcher(new RequestRegistry(), tasks, settings.Processing, logger);", true)]
    [InlineData("var engine = new SlideEngine(opener, tissue, tiling, encoding, engineOptions, metrics, loggers);", true)]
    [InlineData("return services.BuildServiceProvider();", true)]
    [InlineData("var dispatcher = services.GetRequiredService<RequestDispatcher>();", false)]
    [InlineData("var tasks = SlideRunner.LoadTask(services, Task);", false)]
    public void The_scan_knows_a_hand_built_part_when_it_sees_one(string line, bool builds) => Assert.Equal(builds, BuildsAPart(line));

    private static bool BuildsAPart(string line) => HandBuilt().IsMatch(line);

    [GeneratedRegex(@"new (SlideEngine|ResultCommitter|TaskProvider|ModelProvider|RequestDispatcher|RequestRegistry|ServiceCollection)\(|TaskHost\.(For|Quiet)\b|BuildServiceProvider\(|Host\.Create[A-Za-z]*Builder\(")]
    private static partial Regex HandBuilt();
}
