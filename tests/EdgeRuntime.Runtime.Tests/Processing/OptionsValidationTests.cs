using EdgeRuntime.Runtime.Processing;
using Xunit;

namespace EdgeRuntime.Runtime.Tests.Processing;

// The service's concurrency setting is refused out of range, with its full configuration path.
public sealed class OptionsValidationTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(17)]
    public void Slides_in_flight_out_of_range_are_refused_with_the_key(int slides)
    {
        var problems = new ProcessingOptions { ResultsDirectory = "results", SlidesInFlight = slides }.Validate().ToList();
        Assert.Contains($"EdgeRuntime:Processing:SlidesInFlight must be between 1 and 16 (is {slides}).", problems);
    }
}
