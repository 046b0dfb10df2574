using EdgeRuntime.Foundation.Files;
using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Foundation.Tests.Files;

// The clock is passed in, so these run in no time and assert exact moments.
public sealed class CompletenessTrackerTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 8, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory inbox = new();

    public void Dispose() => inbox.Dispose();

    private List<string> Candidates() => CompletenessTracker.Candidates(inbox.Path, new HashSet<string>()).ToList();

    [Fact]
    public void A_file_is_taken_once_after_it_has_been_still_for_the_quiet_period()
    {
        var tracker = new CompletenessTracker(TimeSpan.FromSeconds(10));
        var slide = inbox.File("a.svs");
        File.WriteAllBytes(slide, new byte[100]);
        Assert.Empty(tracker.Update(Candidates(), T0));
        Assert.Empty(tracker.Update(Candidates(), T0.AddSeconds(9.9)));
        Assert.Equal([slide], tracker.Update(Candidates(), T0.AddSeconds(10)));
        Assert.Empty(tracker.Update(Candidates(), T0.AddSeconds(60))); // never twice
    }

    [Fact]
    public void An_empty_file_is_never_complete_and_its_quiet_period_starts_when_content_arrives()
    {
        var tracker = new CompletenessTracker(TimeSpan.FromSeconds(10));
        var slide = inbox.File("a.svs");
        File.WriteAllBytes(slide, []);
        Assert.Empty(tracker.Update(Candidates(), T0));
        Assert.Empty(tracker.Update(Candidates(), T0.AddSeconds(600))); // ten minutes empty: still not a slide
        Assert.True(tracker.Settling);

        File.WriteAllBytes(slide, new byte[100]);
        Assert.Empty(tracker.Update(Candidates(), T0.AddSeconds(601)));
        Assert.Empty(tracker.Update(Candidates(), T0.AddSeconds(610.9)));
        Assert.Equal([slide], tracker.Update(Candidates(), T0.AddSeconds(611)));
    }

    [Fact]
    public void A_file_that_grows_starts_its_quiet_period_again()
    {
        var tracker = new CompletenessTracker(TimeSpan.FromSeconds(10));
        var slide = inbox.File("a.svs");
        File.WriteAllBytes(slide, new byte[100]);
        tracker.Update(Candidates(), T0);
        File.AppendAllText(slide, "more");
        Assert.Empty(tracker.Update(Candidates(), T0.AddSeconds(8)));
        Assert.Empty(tracker.Update(Candidates(), T0.AddSeconds(17))); // 9 s after the growth
        Assert.Equal([slide], tracker.Update(Candidates(), T0.AddSeconds(18)));
    }

    [Theory]
    [InlineData("a.svs.tmp")]
    [InlineData("a.svs.part")]
    [InlineData(".a.svs")]
    [InlineData("a.ndpi.crdownload")]
    public void Temporary_and_hidden_names_are_never_candidates(string name)
    {
        File.WriteAllBytes(inbox.File(name), new byte[10]);
        Assert.Empty(Candidates());
    }

    [Fact]
    public void Mirax_waits_for_its_side_folder_to_be_still_too()
    {
        var tracker = new CompletenessTracker(TimeSpan.FromSeconds(10));
        var mrxs = inbox.File("case.mrxs");
        File.WriteAllText(mrxs, "[GENERAL]\n");
        Directory.CreateDirectory(inbox.File("case"));
        File.WriteAllBytes(inbox.File("case/Data0000.dat"), new byte[1000]);
        tracker.Update(Candidates(), T0);

        // The scanner is still writing the data files: the .mrxs itself does not change.
        File.WriteAllBytes(inbox.File("case/Data0001.dat"), new byte[1000]);
        Assert.Empty(tracker.Update(Candidates(), T0.AddSeconds(11)));
        Assert.Equal([mrxs], tracker.Update(Candidates(), T0.AddSeconds(21)));
        Assert.DoesNotContain(Candidates(), c => c.Contains("Data000", StringComparison.Ordinal)); // the folder's files are not slides
    }

    [Fact]
    public void A_file_that_goes_away_and_comes_back_is_considered_again()
    {
        var tracker = new CompletenessTracker(TimeSpan.Zero);
        var slide = inbox.File("a.svs");
        File.WriteAllBytes(slide, new byte[10]);
        Assert.Equal([slide], tracker.Update(Candidates(), T0));
        File.Delete(slide);
        Assert.Empty(tracker.Update(Candidates(), T0.AddSeconds(1)));
        File.WriteAllBytes(slide, new byte[20]);
        Assert.Equal([slide], tracker.Update(Candidates(), T0.AddSeconds(2)));
    }
}
