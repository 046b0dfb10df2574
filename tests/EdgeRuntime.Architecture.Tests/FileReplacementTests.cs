using System.Text.RegularExpressions;
using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Architecture.Tests;

// A file others read is replaced in one way only, Foundation's AtomicFile (temporary beside the target, flushed,
// renamed): a hand-made ".part" and File.Move is neither flushed nor, across file systems, a rename.
public sealed partial class FileReplacementTests
{
    [Fact]
    public void Product_code_replaces_files_only_through_AtomicFile()
    {
        var offenders = SourceScan.Offenders(
            Path.Combine(TestData.RepoRoot, "src"),
            path => path.EndsWith("EdgeRuntime.Foundation/Files/AtomicFile.cs", StringComparison.Ordinal),
            ReplacesAFile);
        Assert.True(offenders.Count == 0, "Use AtomicFile.Write or AtomicFile.Copy:" + Environment.NewLine + string.Join(Environment.NewLine, offenders));
    }

    [Theory]
    [InlineData("File.Move(part, key, overwrite: true);", true)]
    [InlineData("File.Move(Path.Combine(scratch.Path, name), target, overwrite: true);", true)]
    [InlineData("File.Replace(temporary, target, null);", true)]
    [InlineData("File.Move(path, Path.Combine(failed, name));", false)]
    [InlineData("AtomicFile.Copy(source, target);", false)]
    public void The_scan_knows_a_replacement_when_it_sees_one(string line, bool replaces) => Assert.Equal(replaces, ReplacesAFile(line));

    private static bool ReplacesAFile(string line) => Replacement().IsMatch(line);

    [GeneratedRegex(@"File\.(Move\(.*overwrite:\s*true|Replace\()")]
    private static partial Regex Replacement();
}
