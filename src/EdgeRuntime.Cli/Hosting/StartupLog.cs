using EdgeRuntime.Engine.Models;
using EdgeRuntime.Inference.Onnx;
using EdgeRuntime.Runtime.Swapping;
using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Cli.Hosting;

/// <summary>
/// What the service runs, said once when it starts: the model and the provider it runs on, the prompt set, the
/// prototype sets and the tasks; and, only here and in <c>edgert models check --providers</c>, why a configured
/// GPU provider is not used. Event ids 9000–9009.
/// </summary>
internal static partial class StartupLog
{
    public static void Write(ILogger logger, ModelRuntime model, SlideTaskSet tasks, InferenceOptions inference)
    {
        var prototypes = model.TaskPrototypeSets.Count == 0 ? "none" : string.Join(", ", model.TaskPrototypeSets.Select(p => $"{p.Key}: {p.Value}"));
        var taskNames = tasks.Tasks.Count == 0 ? "none" : string.Join(", ", tasks.Tasks.Select(t => $"{t.Plugin}/{t.Version}"));
        Running(logger, model.Package.Identity.Id, model.Package.Identity.Version, model.Package.ExecutionProvider, model.Prompts.Set.Id, model.Prompts.Set.Version, prototypes, taskNames);
        foreach (var provider in inference.EffectiveProviders.TakeWhile(p => !p.Equals(model.Package.ExecutionProvider, StringComparison.OrdinalIgnoreCase)))
        {
            if (ProviderProbe.WhyNot(provider) is { } reason)
            {
                GpuNotUsed(logger, provider, reason, model.Package.ExecutionProvider);
            }
        }
    }

    [LoggerMessage(EventId = 9000, Level = LogLevel.Information, Message = "Running model {ModelId} {ModelVersion} on {Provider}; prompt set {PromptSetId} {PromptSetVersion}; prototype sets: {PrototypeSets}; tasks: {Tasks}.")]
    private static partial void Running(ILogger logger, string modelId, string modelVersion, string provider, string promptSetId, string promptSetVersion, string prototypeSets, string tasks);

    [LoggerMessage(EventId = 9001, Level = LogLevel.Warning, Message = "Execution provider {Provider} is configured but cannot run here: {Reason}; the model runs on {Used} (edgert models check --providers; docs/gpu.md).")]
    private static partial void GpuNotUsed(ILogger logger, string provider, string reason, string used);
}
