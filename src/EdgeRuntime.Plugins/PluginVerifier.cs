using EdgeRuntime.Inference.Onnx;
using EdgeRuntime.Inference.Packages;
using EdgeRuntime.Inference.Prompts;
using EdgeRuntime.Plugins.Tasks;
using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Plugins;

/// <summary>
/// Checks one plugin version the way the service will load it, without keeping it: present, on the allow-list,
/// and loadable (a model's manifest, hashes and ONNX signature; a prompt set's structure; a task assembly and
/// its contract version). Used by <c>edgert plugins activate</c>, so that a damaged version never reaches the
/// active file.
/// </summary>
public static class PluginVerifier
{
    /// <summary>Throws unless <paramref name="plugin"/> can be used.</summary>
    /// <exception cref="InvalidDataException">Missing, not allowed, or unusable; the message says which and why.</exception>
    /// <exception cref="ModelPackageException">A model that fails verification.</exception>
    public static void Verify(PluginRef plugin, PluginOptions options, InferenceOptions inference, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(plugin);
        ArgumentNullException.ThrowIfNull(options);
        var definingFile = plugin.DefiningFile(options.Root);
        if (!File.Exists(definingFile))
        {
            throw new InvalidDataException($"{definingFile}: no such plugin version ({plugin}).");
        }

        if (plugin.Kind != PluginRef.Tasks)
        {
            PluginAllowList.Check(options, definingFile); // a task's whole folder is checked as it loads
        }

        switch (plugin.Kind)
        {
            case PluginRef.Models:
                ModelPackage.Load(plugin.Directory(options.Root), inference, logger).Dispose();
                break;
            case PluginRef.Prompts:
                PromptSetFile.Load(definingFile);
                break;
            default:
                TaskSetLoader.Load([plugin], options, TaskHost.Quiet, logger).Dispose();
                break;
        }
    }
}
