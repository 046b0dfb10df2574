using System.Text.Json.Nodes;
using EdgeRuntime.Abstractions.Tasks;
using EdgeRuntime.Engine.Models;
using EdgeRuntime.TaskKit.ZeroShot;

namespace EdgeRuntime.Validation.Methods;

/// <summary>What every method's run shares: class probabilities from the tagging task's scorer, and the run's provenance.</summary>
internal static class RunScoring
{
    public static double[] Score(ZeroShotClassifier classifier, float[] vector)
    {
        var scores = new double[classifier.Classes];
        classifier.Logits(vector, scores);
        ZeroShotClassifier.Softmax(scores);
        return scores;
    }

    public static JsonObject Provenance(ModelRuntime model, ClassSource? classes) => new()
    {
        ["model"] = model.Package.Identity.ToProvenance(model.Package.Manifest.Name).ToJson(),
        ["classSet"] = classes?.ToProvenance().ToJson(),
        ["executionProvider"] = model.Package.ExecutionProvider,
    };
}
