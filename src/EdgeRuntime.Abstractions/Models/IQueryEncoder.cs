namespace EdgeRuntime.Abstractions.Models;

/// <summary>
/// The active model's text tower for requests between slides (a text search over MQTT), leased for the call so
/// that a model swap never pulls it away mid-query (added in 2.1).
/// </summary>
public interface IQueryEncoder
{
    /// <summary>The active model, or null when the process has none loaded (a command that only reads state).</summary>
    ModelIdentity? Model { get; }

    /// <summary>Encodes <paramref name="text"/> with the active model's text tower (unnormalised, as the tower returns it).</summary>
    /// <exception cref="Requests.RequestRefusedException">No model is loaded in this process, or the active model has no text tower (vision-only); the message says which.</exception>
    ValueTask<QueryEmbedding> EncodeTextAsync(string text, CancellationToken cancellationToken);
}

/// <summary>A query's embedding and the model that made it, whose embeddings alone it may be compared with.</summary>
/// <param name="Model">The model.</param>
/// <param name="Vector">The embedding.</param>
public sealed record QueryEmbedding(ModelIdentity Model, float[] Vector);
