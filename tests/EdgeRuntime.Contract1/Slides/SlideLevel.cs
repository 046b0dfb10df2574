namespace EdgeRuntime.Abstractions.Slides;

/// <summary>One level of a slide's pyramid.</summary>
/// <param name="Index">Level number; 0 is full resolution.</param>
/// <param name="Width">Width in this level's pixels.</param>
/// <param name="Height">Height in this level's pixels.</param>
/// <param name="Downsample">Level-0 pixels per pixel of this level.</param>
public sealed record SlideLevel(int Index, long Width, long Height, double Downsample);
