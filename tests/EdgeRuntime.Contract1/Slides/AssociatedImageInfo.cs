namespace EdgeRuntime.Abstractions.Slides;

/// <summary>An image stored beside the pyramid: label, macro (overview) or thumbnail.</summary>
/// <param name="Name">The name the file gives it (<c>label</c>, <c>macro</c>, <c>thumbnail</c>, ...).</param>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
public sealed record AssociatedImageInfo(string Name, long Width, long Height);
