using Xunit;

namespace EdgeRuntime.Runtime.Tests.Swapping;

/// <summary>
/// Tests that measure the process's memory, alone: other tests of this assembly allocating meanwhile (models loaded by
/// the pipeline tests) would blur the figure (a 211 MiB "growth" was seen once beside them).
/// </summary>
[CollectionDefinition(nameof(MeasuresMemory), DisableParallelization = true)]
public sealed class MeasuresMemory;
