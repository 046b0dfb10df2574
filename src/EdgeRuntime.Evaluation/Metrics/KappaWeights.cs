namespace EdgeRuntime.Evaluation.Metrics;

/// <summary>How Cohen's kappa weighs a disagreement (scikit-learn's <c>weights</c>).</summary>
public enum KappaWeights
{
    /// <summary>Every disagreement counts 1 (unordered classes).</summary>
    None,

    /// <summary>A disagreement counts its distance in class order.</summary>
    Linear,

    /// <summary>A disagreement counts its squared distance (ordered grades: a Gleason 3 called 5 is worse than called 4).</summary>
    Quadratic,
}
