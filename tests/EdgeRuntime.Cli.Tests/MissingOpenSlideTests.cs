using System.Diagnostics;
using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Cli.Tests;

// A real child process: which native library loads is decided once per process.
public sealed class MissingOpenSlideTests
{
    [Fact]
    public void Missing_libopenslide_gives_one_line_naming_the_package_and_exit_code_3()
    {
        var edgert = Path.Combine(AppContext.BaseDirectory, "edgert.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { edgert, "slide", "info", TestData.Slide("small.svs") })
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["EDGERUNTIME_OPENSLIDE_LIBRARY"] = "/nonexistent/libopenslide.so.1";
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();

        Assert.Equal(3, process.ExitCode);
        Assert.Contains("libopenslide0", stderr);
        Assert.Contains("/nonexistent/libopenslide.so.1", stderr);
        Assert.Single(stderr.Trim().Split('\n'));
    }
}
