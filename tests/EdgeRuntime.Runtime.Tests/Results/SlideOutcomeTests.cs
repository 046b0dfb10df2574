using System.Text.Json.Nodes;
using EdgeRuntime.Engine.Running;
using EdgeRuntime.Engine.Tests.Running;
using EdgeRuntime.Runtime.Results;
using EdgeRuntime.TestSupport;
using EdgeRuntime.Tiling.Tissue;
using Xunit;

namespace EdgeRuntime.Runtime.Tests.Results;

/// <summary>Slides with nothing to analyse are an outcome of their own, with no task output (issue 23 §1, §4).</summary>
public sealed class SlideOutcomeTests : IDisposable
{
    private readonly PipelineRun pipeline = new();
    private readonly TempDirectory cache = new();

    public void Dispose()
    {
        pipeline.Dispose();
        cache.Dispose();
    }

    [Fact]
    public async Task A_slide_without_tissue_is_no_tissue_with_no_task_output()
    {
        // small.svs is 16 × 16 px of glass: not one tile has 25 % tissue.
        using var model = await PipelineRun.LoadTinyAsync(cache.Path);
        var (run, embeddings) = await pipeline.RunAsync(model, TestData.Slide("small.svs"));
        Assert.Equal(SlideOutcome.NoTissue, run.Outcome.Status);
        Assert.Empty(embeddings);
        Assert.All(run.Outcomes, o => Assert.True(o.Skipped && o.Output is null));

        var document = ResultDocument.Of(run, run.Path);
        ResultSchema.Validate(document.ToJsonString());
        Assert.Equal("no-tissue", document["outcome"]!.GetValue<string>());
        Assert.Contains("EdgeRuntime:Tissue:MinSlideTiles", document["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, document["tiles"]!["kept"]!.GetValue<int>());
        Assert.Equal(1, document["tissue"]!["minSlideTiles"]!.GetValue<int>());
        Assert.Equal("skipped", document["tasks"]!["keep"]!["status"]!.GetValue<string>());
        Assert.Null(document["overlay"]);
    }

    [Fact]
    public async Task Too_little_tissue_by_the_configured_tile_count_is_no_tissue()
    {
        // CMU-1-Small-Region has tiles of tissue (about 117 at 224 px, 0.5 µm/px), but fewer than 100 000.
        using var model = await PipelineRun.LoadTinyAsync(cache.Path);
        var (run, _) = await pipeline.RunAsync(model, TestData.Slide("CMU-1-Small-Region.svs"), new TissueDetectionOptions { MinSlideTiles = 100_000 });
        Assert.Equal(SlideOutcome.NoTissue, run.Outcome.Status);
        Assert.True(run.Plan.Grid.Tiles.Count > 0);
        Assert.All(run.Outcomes, o => Assert.True(o.Skipped));
    }

    [Fact]
    public async Task A_fluorescence_slide_is_skipped_with_its_reason_or_flagged_by_configuration()
    {
        using var model = await PipelineRun.LoadTinyAsync(cache.Path);
        var dapi = TestData.Slide("test3-DAPI-2.ndpi");
        var (skipped, none) = await pipeline.RunAsync(model, dapi);
        Assert.Equal(SlideOutcome.NotBrightfield, skipped.Outcome.Status);
        Assert.Empty(none);
        var document = ResultDocument.Of(skipped, dapi);
        ResultSchema.Validate(document.ToJsonString());
        Assert.Equal("not-brightfield", document["outcome"]!.GetValue<string>());
        Assert.Contains("EdgeRuntime:Tissue:NonBrightfield", document["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.False(document["tissue"]!["brightfield"]!.GetValue<bool>());
        Assert.Equal("skipped", document["tasks"]!["keep"]!["status"]!.GetValue<string>());

        // flag: the tasks run, and the result says what the slide is.
        var (flagged, _) = await pipeline.RunAsync(model, dapi, new TissueDetectionOptions { NonBrightfield = TissueDetectionOptions.NonBrightfieldFlag });
        var flaggedDocument = ResultDocument.Of(flagged, dapi);
        ResultSchema.Validate(flaggedDocument.ToJsonString());
        Assert.NotEqual("not-brightfield", flaggedDocument["outcome"]!.GetValue<string>());
        Assert.False(flaggedDocument["tissue"]!["brightfield"]!.GetValue<bool>());
        Assert.NotEmpty(flaggedDocument["tissue"]!["notBrightfield"]!.AsArray());
    }

    [Fact]
    public async Task A_brightfield_slide_with_tissue_is_ok_and_its_tasks_run()
    {
        using var model = await PipelineRun.LoadTinyAsync(cache.Path);
        var (run, embeddings) = await pipeline.RunAsync(model, TestData.Slide("CMU-1-Small-Region.svs"));
        Assert.Equal(SlideOutcome.Ok, run.Outcome.Status);
        Assert.Equal(run.Plan.Grid.Tiles.Count, embeddings.Count);
        var document = ResultDocument.Of(run, run.Path);
        ResultSchema.Validate(document.ToJsonString());
        Assert.Equal("ok", document["outcome"]!.GetValue<string>());
        Assert.Null(document["reason"]);
        Assert.True(document["tissue"]!["brightfield"]!.GetValue<bool>());
        Assert.Equal("ok", document["tasks"]!["keep"]!["status"]!.GetValue<string>());
    }
}
