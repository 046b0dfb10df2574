namespace EdgeRuntime.Pipeline.Processing;

/// <summary>
/// The model slides are processed with, swappable while the service runs: a slide keeps the model it started
/// with; a replaced model's ONNX sessions are released when its last slide ends.
/// </summary>
/// <param name="initial">The model loaded at start.</param>
public sealed class ModelProvider(ModelRuntime initial) : Swappable<ModelRuntime>(initial);
