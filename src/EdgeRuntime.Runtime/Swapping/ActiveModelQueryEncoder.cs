using EdgeRuntime.Abstractions.Models;
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
        var vector = await new OnnxTextEncoder(package).EncodeAsync([text], cancellationToken).ConfigureAwait(false);
        return new QueryEmbedding(package.Identity, vector);
    }
}
