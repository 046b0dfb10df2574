using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Plugins.Tests;

// What a model can serve follows from its kind: a vision-only model (no text tower) is refused at activation while a
// task that scores against the prompt set's text embeddings runs, with the reason, and what ran keeps running.
public sealed class VisionOnlyActivationTests
{
    [Fact]
    public async Task A_vision_only_model_is_refused_while_zero_shot_tagging_runs_and_accepted_beside_image_tasks()
    {
        using var w = await PluginWorkspace.CreateAsync();
        BuiltInPlugins.InstallInto(w.Root);
        PluginRoots.CopyDirectory(FamilyTwins.Package("uni"), Path.Combine(w.Root, "models", "uni", "1.0.0"));
        var uni = new PluginRef(PluginRef.Models, "uni", "1.0.0");

        Assert.True((await PluginControllerTests.Activate(w, PluginWorkspace.Task("zero-shot-tagging"))).Accepted);
        var refused = await PluginControllerTests.Activate(w, uni);

        Assert.False(refused.Accepted);
        Assert.Contains("task 'zero-shot-tagging' scores against the prompt set's text embeddings, and model uni 1.0.0 is vision-only (no text tower)", refused.Reason);
        Assert.Equal("tiny-reference", w.Models.Current.Package.Identity.Id);

        // Without the text task, the same model is accepted: image tasks work with any model.
        Assert.True((await w.Controller.DeactivateAsync(PluginWorkspace.Task("zero-shot-tagging"), "test", "corr", CancellationToken.None)).Accepted);
        Assert.True((await PluginControllerTests.Activate(w, PluginWorkspace.Task("embedding-summary"))).Accepted);
        var accepted = await PluginControllerTests.Activate(w, uni);
        Assert.True(accepted.Accepted, accepted.Reason);
        Assert.Equal("uni", w.Models.Current.Package.Identity.Id);

        // And a text task is then refused joining it.
        var joining = await PluginControllerTests.Activate(w, PluginWorkspace.Task("zero-shot-segmentation"));
        Assert.False(joining.Accepted);
        Assert.Contains("task 'zero-shot-segmentation'", joining.Reason);
        Assert.Contains("vision-only", joining.Reason);
    }
}
