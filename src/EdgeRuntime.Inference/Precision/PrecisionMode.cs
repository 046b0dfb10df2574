namespace EdgeRuntime.Inference.Precision;

/// <summary>The values of <c>EdgeRuntime:Inference:Precision</c>.</summary>
internal static class PrecisionMode
{
    /// <summary>int8 where the encoder runs on the CPU and the gate passed; float otherwise.</summary>
    public const string Auto = "auto";

    /// <summary>Always the package's own (float) image encoder.</summary>
    public const string FloatGraph = "float";

    /// <summary>Build and gate the int8 copy before the model starts; float where the gate fails or a GPU runs it.</summary>
    public const string Int8Copy = "int8";

    /// <summary>Every accepted value.</summary>
    public static readonly IReadOnlyList<string> All = [Auto, FloatGraph, Int8Copy];
}
