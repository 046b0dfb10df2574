using EdgeRuntime.Runtime.Progress;
using Xunit;

namespace EdgeRuntime.Runtime.Tests.Progress;

// With several slides in flight, the publisher must see each slide's newest progress, not only the last slide's.
public sealed class LiveProgressTests
{
    [Fact]
    public void Each_slide_in_flight_gives_its_newest_report_once_oldest_first()
    {
        var live = new LiveProgress();
        long seen = 0;
        live.Report("a", new TileProgress(32, 200));
        live.Report("b", new TileProgress(32, 90));
        live.Report("a", new TileProgress(64, 200));

        // "b" was last reported before "a"'s newest, so it comes first; "a"'s older report is not sent.
        Assert.Equal([("b", new TileProgress(32, 90)), ("a", new TileProgress(64, 200))], live.TakeNewer(ref seen));
        Assert.Empty(live.TakeNewer(ref seen));

        live.Report("b", new TileProgress(64, 90));
        Assert.Equal([("b", new TileProgress(64, 90))], live.TakeNewer(ref seen));
    }

    [Fact]
    public void An_ended_slide_is_forgotten_so_no_stale_progress_follows_its_result()
    {
        var live = new LiveProgress();
        long seen = 0;
        live.Report("a", new TileProgress(90, 90));
        live.Report("b", new TileProgress(10, 50));
        live.Ended("a");

        Assert.Equal([("b", new TileProgress(10, 50))], live.TakeNewer(ref seen));
    }
}
