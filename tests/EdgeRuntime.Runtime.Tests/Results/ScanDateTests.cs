using EdgeRuntime.Runtime.Results;
using EdgeRuntime.Slides;
using EdgeRuntime.Slides.Reading;
using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Runtime.Tests.Results;

public sealed class ScanDateTests
{
    [Fact]
    public void Aperio_date_and_time_become_iso_8601_with_the_raw_text_beside_them()
    {
        // CMU-1-Small-Region.svs says "Date = 12/29/09|Time = 09:59:15" in its description: Aperio writes MM/DD/YY.
        using var slide = new SlideOpener(new SlideReadingOptions()).Open(TestData.Slide("CMU-1-Small-Region.svs"));
        var (raw, iso) = ScanDate.Of(slide.Info.Properties)!.Value;
        Assert.Equal("2009-12-29T09:59:15", iso);
        Assert.Equal("12/29/09 09:59:15", raw);
    }

    [Theory]
    [InlineData("29/12/09", "09:59:15")] // day first: not Aperio's order, so not read as either
    [InlineData("12.29.2009", "09:59:15")]
    [InlineData("12/29/09", "9 h 59")]
    public void A_date_in_no_known_order_keeps_the_raw_text_and_gives_no_iso_date(string date, string time)
    {
        var (raw, iso) = ScanDate.Of(new Dictionary<string, string> { ["aperio.Date"] = date, ["aperio.Time"] = time })!.Value;
        Assert.Null(iso);
        Assert.Equal($"{date} {time}", raw);
    }

    [Fact]
    public void Aperio_time_zone_becomes_the_offset()
    {
        var (_, iso) = ScanDate.Of(new Dictionary<string, string> { ["aperio.Date"] = "01/02/21", ["aperio.Time"] = "13:04:05", ["aperio.Time Zone"] = "GMT-0800" })!.Value;
        Assert.Equal("2021-01-02T13:04:05-08:00", iso);
    }

    [Fact]
    public void Hamamatsu_year_first_dates_are_read()
    {
        var (_, iso) = ScanDate.Of(new Dictionary<string, string> { ["hamamatsu.Created"] = "2012/05/31 14:03:09" })!.Value;
        Assert.Equal("2012-05-31T14:03:09", iso);
    }
}
