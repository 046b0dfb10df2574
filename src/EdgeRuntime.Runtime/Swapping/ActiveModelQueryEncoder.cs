using EdgeRuntime.Abstractions.Models;
using EdgeRuntime.Abstractions.Requests;
using EdgeRuntime.Engine.Models;
using EdgeRuntime.Inference.Onnx;

namespace EdgeRuntime.Runtime.Swapping;

/// <summary>Encodes request queries with whatever model is active, under a lease so that a swap waits for the query.</summary>
/// <param name="models">The service's (or command's) model provider.</param>
public sealed class ActiveModelQueryEncoder(ModelProvider models) : IQueryEncoder
{
    /// <inheritdoc />
    public ModelIdentity? Model => models.Current.Package.Identity;

    /// <inheritdoc />
    public async ValueTask<QueryEmbedding> EncodeTextAsync(string text, CancellationToken cancellationToken)
    {
        using var lease = models.Acquire();
        var package = lease.Value.Package;
        if (!package.HasTextTower)
        {
            // A refusal of the request, not a failure of the plugin: the caller asked what this model cannot do.
            throw new RequestRefusedException($"{package.NoTextTower().Message} Search by a region ('slide' and 'box') or by a 'vector' with its 'model', or activate a vision-language model.");
        }

        var vector = await new OnnxTextEncoder(package).EncodeAsync([text], cancellationToken).ConfigureAwait(false);
        return new QueryEmbedding(package.Identity, vector);
    }
}
