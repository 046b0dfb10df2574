namespace EdgeRuntime.Inference.Precision;

/// <summary>
/// The int8 gate's labelled-set condition: few-shot accuracy on the site's labelled set with float and with int8
/// embeddings, and float's bootstrap interval, within which int8's accuracy must fall.
/// </summary>
/// <param name="Set">The labelled set (a folder of class folders or a CSV, as <c>edgert eval</c> reads).</param>
/// <param name="Images">Images classified.</param>
/// <param name="FloatAccuracy">Float's accuracy.</param>
/// <param name="FloatLow">The low end of float's bootstrap interval.</param>
/// <param name="FloatHigh">Its high end.</param>
/// <param name="Confidence">The interval's confidence (0.95).</param>
/// <param name="Int8Accuracy">int8's accuracy on the same images.</param>
/// <param name="Problem">Why the set could not be used (unreadable, a class with one image), or null.</param>
internal sealed record LabelledAgreement(string Set, int Images, double FloatAccuracy, double FloatLow, double FloatHigh, double Confidence, double Int8Accuracy, string? Problem)
{
    /// <summary>Whether int8's accuracy lies within float's interval.</summary>
    public bool Passed => Problem is null && Int8Accuracy >= FloatLow && Int8Accuracy <= FloatHigh;
}
