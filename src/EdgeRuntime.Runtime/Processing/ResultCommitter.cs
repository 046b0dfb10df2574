using System.Text.Json;
using EdgeRuntime.Engine.Encoding;
using EdgeRuntime.Engine.Running;
using EdgeRuntime.Runtime.Results;
using EdgeRuntime.Runtime.Swapping;

namespace EdgeRuntime.Runtime.Processing;

/// <summary>
/// One slide from file to committed results, as the service and <c>edgert process</c> do it: the slide leases the
/// active model and tasks, runs through the <see cref="SlideEngine"/> into a staging folder, gets its result
/// document, and the folder is committed atomically.
/// </summary>
public sealed class ResultCommitter(SlideEngine pipeline, ProcessingOptions processing, ModelProvider models, TaskProvider tasks, ArtefactLinks? links = null)
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
        // The slide keeps the model and the tasks it starts with, even if an admin swaps them meanwhile; both taken
        // at one instant, so a change of both is seen whole or not at all.
        var (lease, taskLease) = SwapTogether.Acquire(models, tasks);
        using var modelHold = lease;
        using var taskHold = taskLease;
        var output = new ResultDirectory(processing.ResultsDirectory, slideId);
        Store(output.Begin);
        try
        {
            SlideRun run;
            try
            {
                run = await pipeline.RunAsync(new SlideRunInput(slideId, path, lease.Value, taskLease.Value.Tasks, output.Staging) { Progress = progress }, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException && !CanWrite(output.Staging))
            {
                // A write into the staging folder (the tile table, the overlay) failed and the folder cannot be written
                // now: the store went away under the slide.
                throw new ResultsStoreUnavailableException(processing.ResultsDirectory, e);
            }

            var document = ResultDocument.Of(run, storedPath ?? path);
            document["artefacts"] = Store(() => ArtefactList.Of(output.Staging, slideId, links ?? ArtefactLinks.Relative));
            await StoreAsync(() => File.WriteAllTextAsync(Path.Combine(output.Staging, "result.json"), document.ToJsonString(Journal.Events.PayloadJson.Indented), cancellationToken)).ConfigureAwait(false);
            Store(output.Commit);
            return new SlideResult(slideId, document, output.Final, run);
        }
        catch
        {
            try
            {
                output.Abandon();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The store that failed may not let the staging folder go either: the next start removes it.
            }

            throw;
        }
    }

    private static bool CanWrite(string folder)
    {
        var probe = Path.Combine(folder, $".probe.{Guid.NewGuid():N}");
        try
        {
            File.WriteAllBytes(probe, [0]);
            File.Delete(probe);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    // The results store's own writes: whatever fails here (read-only, permission, not a folder, gone, full) is the
    // store's fault, never the slide's.
    private void Store(Action write)
    {
        try
        {
            write();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ResultsStoreUnavailableException(processing.ResultsDirectory, e);
        }
    }

    private T Store<T>(Func<T> read)
    {
        T value = default!;
        Store(() => { value = read(); });
        return value;
    }

    private async Task StoreAsync(Func<Task> write)
    {
        try
        {
            await write().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ResultsStoreUnavailableException(processing.ResultsDirectory, e);
        }
    }
}
