using EdgeRuntime.Inference.Heads;
using EdgeRuntime.Inference.Onnx;
using EdgeRuntime.Inference.Packages;
using EdgeRuntime.Inference.Prompts;
using EdgeRuntime.Inference.Prototypes;
using EdgeRuntime.Plugins.Tasks;
using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Plugins;

/// <summary>
/// Checks one plugin version the way the service will load it, without keeping it: present, on the allow-list,
/// and loadable (a model's manifest, hashes and ONNX signature; a prompt set's structure; a prototype set's
/// structure, model id and width against the model it will serve; a cell head's manifest, hashes and graph against the
/// encoder it was trained on; a task assembly and its contract version). Used by <c>edgert plugins activate</c>, so that a damaged version never reaches the
/// active file.
/// </summary>
public static class PluginVerifier
{
    /// <summary>Throws unless <paramref name="plugin"/> can be used.</summary>
    /// <exception cref="InvalidDataException">Missing, not allowed, or unusable; the message says which and why.</exception>
    /// <exception cref="ModelPackageException">A model that fails verification.</exception>
    /// <exception cref="CellHeadException">A cell head that fails verification, or does not fit the model.</exception>
    /// <param name="plugin">The version to check.</param>
    /// <param name="options">The plugins root and allow-list.</param>
    /// <param name="inference">How a model's sessions are made.</param>
    /// <param name="logger">Where loading reports.</param>
    /// <param name="modelDirectory">The model package a prototype set will serve (the running one); needed for prototype sets and cell heads only.</param>
    public static void Verify(PluginRef plugin, PluginOptions options, InferenceOptions inference, ILogger logger, string? modelDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(plugin);
        ArgumentNullException.ThrowIfNull(options);
        plugin.CheckedDirectory(options.Root); // a link that leads out of the root is refused before anything is read
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
            case PluginRef.Prototypes:
                using (var model = ModelPackage.Load(modelDirectory ?? throw new ArgumentNullException(nameof(modelDirectory), "a prototype set is verified against a model"), inference, logger))
                {
                    PrototypeSetFile.Load(definingFile, model.Identity, model.Manifest.EmbeddingSize, model.Manifest.LogitScale);
                }

                break;
            case PluginRef.Heads:
                // A head is checked against the model it will read (the encoder id and model.json hash it was trained on),
                // and its graph opened with the service's inference options.
                using (var model = ModelPackage.Load(modelDirectory ?? throw new ArgumentNullException(nameof(modelDirectory), "a cell head is verified against a model"), inference, logger))
                {
                    CellHead.Load(plugin.Directory(options.Root), model, inference, logger).Dispose();
                }

                break;
            default:
                TaskSetLoader.Load([plugin], options, TaskHost.Quiet, logger).Dispose();
                break;
        }
    }
}
