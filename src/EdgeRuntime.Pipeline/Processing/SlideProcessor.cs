using System.Text.Json;
using EdgeRuntime.Pipeline.Encoding;
using EdgeRuntime.Pipeline.Results;
using EdgeRuntime.Pipeline.Running;

namespace EdgeRuntime.Pipeline.Processing;

/// <summary>
/// One slide from file to committed results, as the service and <c>edgert process</c> do it: the slide leases the
/// active model and tasks, runs through the <see cref="SlidePipeline"/> into a staging folder, gets its result
/// document, and the folder is committed atomically.
/// </summary>
public sealed class SlideProcessor(SlidePipeline pipeline, ProcessingOptions processing, ModelProvider models, TaskProvider tasks)
{

    /// <summary>Processes <paramref name="path"/> as slide <paramref name="slideId"/>.</summary>
    /// <param name="slideId">The slide's id.</param>
    /// <param name="path">Where the file is (where it arrived).</param>
    /// <param name="progress">Told as tiles are encoded.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <param name="storedPath">Where the file will be once the slide is done (the inbox's done folder); null: where it is.</param>
    /// <exception cref="EdgeRuntime.Slides.SlideException">The slide cannot be read; the message names the file.</exception>
    public async Task<SlideResult> ProcessAsync(string slideId, string path, IProgress<EncodingProgress>? progress, CancellationToken cancellationToken, string? storedPath = null)
    {
        // The slide keeps the model and the tasks it starts with, even if an admin swaps them meanwhile.
        using var lease = models.Acquire();
        using var taskLease = tasks.Acquire();
        var output = new ResultDirectory(processing.ResultsDirectory, slideId);
        output.Begin();
        try
        {
            var run = await pipeline.RunAsync(new SlideRunInput(slideId, path, lease.Value, taskLease.Value, output.Staging) { Progress = progress }, cancellationToken).ConfigureAwait(false);
            var document = ResultDocument.Of(run, storedPath ?? path);
            await File.WriteAllTextAsync(Path.Combine(output.Staging, "result.json"), document.ToJsonString(Journal.Events.PayloadJson.Indented), cancellationToken).ConfigureAwait(false);
            output.Commit();
            return new SlideResult(slideId, document, output.Final, run);
        }
        catch
        {
            output.Abandon();
            throw;
        }
    }
}
