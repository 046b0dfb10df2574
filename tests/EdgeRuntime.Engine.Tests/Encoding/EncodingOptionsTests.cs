using EdgeRuntime.Engine.Encoding;
using Xunit;

namespace EdgeRuntime.Engine.Tests.Encoding;

// The engine's reader threads are refused out of range, with their full configuration path.
public sealed class EncodingOptionsTests
{
    [Theory]
    [InlineData(-1)]
    [InlineData(65)]
    public void Readers_out_of_range_are_refused_with_the_key(int readers)
    {
        var problems = new EncodingOptions { Readers = readers }.Validate().ToList();
        Assert.Contains(problems, p => p.StartsWith("EdgeRuntime:Pipeline:Readers must be 0 (one per core) or between 1 and 64", StringComparison.Ordinal));
    }

    [Fact]
    public void Readers_0_means_one_per_core()
    {
        Assert.Empty(new EncodingOptions { Readers = 0 }.Validate());
        Assert.Equal(Math.Min(Environment.ProcessorCount, 64), new EncodingOptions().EffectiveReaders);
        Assert.Equal(3, new EncodingOptions { Readers = 3 }.EffectiveReaders);
    }
}
