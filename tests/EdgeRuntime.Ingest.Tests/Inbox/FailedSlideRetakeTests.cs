using EdgeRuntime.Ingest.Inbox;
using EdgeRuntime.Journal;
using EdgeRuntime.Journal.Signals;
using EdgeRuntime.Slides;
using EdgeRuntime.Slides.Reading;
using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Ingest.Tests.Inbox;

// A scanner that rewrites a broken file, or a person who repairs it in failed/: the slide is taken again. Real
// slides from shared/, a real journal, real folders.
public sealed class FailedSlideRetakeTests : IDisposable
{
    private readonly TempDirectory temp = new();
    private readonly InboxOptions inbox;
    private readonly SlideJournal journal;
    private readonly SlideIntake intake;
    private readonly FailedSlideRetake retake;
    private readonly RecordingLogger<FailedSlideRetake> log = new();

    public FailedSlideRetakeTests()
    {
        inbox = new InboxOptions { Path = temp.File("inbox") };
        Directory.CreateDirectory(inbox.Path);
        journal = new SlideJournal(temp.File("journal.db"));
        journal.UseSinks(["test"]);
        intake = new SlideIntake(new SlideOpener(new SlideReadingOptions()), journal, journal, new InboxFiles(inbox), new PendingSlidesSignal(), new IngestMetrics(), new RecordingLogger<SlideIntake>());
        retake = new FailedSlideRetake(inbox, log);
    }

    public void Dispose() => temp.Dispose();

    private string FailTruncated(string name)
    {
        var whole = File.ReadAllBytes(TestData.Slide("CMU-1-Small-Region.svs"));
        var path = Path.Combine(inbox.Path, name);
        File.WriteAllBytes(path, whole.AsSpan(0, whole.Length / 3).ToArray());
        intake.Accept(path);
        Assert.Equal(SlideState.Failed, Assert.Single(journal.List()).State);
        return Path.Combine(inbox.FailedPath, name);
    }

    [Fact]
    public void The_reason_note_says_what_to_do_and_an_unchanged_failed_file_stays()
    {
        var failed = FailTruncated("scan.svs");
        var note = File.ReadAllText(failed + ".reason.txt");
        Assert.Contains("repair or replace this file here", note);
        Assert.Contains("drop a corrected copy into the inbox", note);

        Assert.Equal(0, retake.MoveChangedBack());
        Assert.True(File.Exists(failed));
    }

    [Fact]
    public void A_failed_file_replaced_with_a_good_one_goes_back_to_the_inbox_and_becomes_a_new_slide()
    {
        var failed = FailTruncated("scan.svs");
        File.Copy(TestData.Slide("CMU-1-Small-Region.svs"), failed, overwrite: true);

        Assert.Equal(1, retake.MoveChangedBack());
        var back = Path.Combine(inbox.Path, "scan.svs");
        Assert.True(File.Exists(back));
        Assert.False(File.Exists(failed + ".reason.txt"));
        Assert.Contains("taken again", log.Text);

        intake.Accept(back);
        var records = journal.List();
        Assert.Equal(2, records.Count); // new content, new id
        Assert.Contains(records, r => r.State == SlideState.Pending && r.Path == back);
    }

    [Fact]
    public void A_failed_file_only_touched_comes_back_and_is_failed_again_as_the_same_content_rather_than_left_in_the_inbox()
    {
        var failed = FailTruncated("scan.svs");
        File.SetLastWriteTimeUtc(failed, DateTime.UtcNow.AddMinutes(1));

        Assert.Equal(1, retake.MoveChangedBack());
        var back = Path.Combine(inbox.Path, "scan.svs");
        intake.Accept(back);

        Assert.False(File.Exists(back), "the same broken content stayed in the inbox, where it would never be looked at again");
        Assert.Contains("which failed before", File.ReadAllText(failed + ".reason.txt"));
        Assert.Single(journal.List());
        Assert.Equal(0, retake.MoveChangedBack()); // and it does not loop
    }

    [Fact]
    public void A_failed_file_stamped_to_keep_an_older_namesake_comes_back_under_its_own_name()
    {
        FailTruncated("scan.svs");
        var second = Path.Combine(inbox.Path, "scan.svs");
        File.WriteAllBytes(second, File.ReadAllBytes(TestData.Slide("CMU-1-Small-Region.svs")).AsSpan(0, 1000).ToArray());
        intake.Accept(second);
        var stamped = Assert.Single(Directory.GetFiles(inbox.FailedPath, "scan.*.svs"));

        File.Copy(TestData.Slide("CMU-1-Small-Region.svs"), stamped, overwrite: true);
        Assert.Equal(1, retake.MoveChangedBack());
        Assert.True(File.Exists(Path.Combine(inbox.Path, "scan.svs")));
    }

    [Fact]
    public void A_file_in_failed_without_a_note_is_not_ours_and_stays()
    {
        Directory.CreateDirectory(inbox.FailedPath);
        File.WriteAllText(Path.Combine(inbox.FailedPath, "kept-by-hand.svs"), "x");
        Assert.Equal(0, retake.MoveChangedBack());
        Assert.True(File.Exists(Path.Combine(inbox.FailedPath, "kept-by-hand.svs")));
    }
}
