namespace EdgeRuntime.Inference.Onnx;

/// <summary>How ONNX Runtime runs the models. Bound from <c>EdgeRuntime:Inference</c>.</summary>
public sealed class InferenceOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "EdgeRuntime:Inference";

    /// <summary>Known execution provider names.</summary>
    public static readonly IReadOnlyList<string> KnownProviders = ["TensorRT", "CUDA", "CPU"];

    /// <summary>Providers tried when none are configured.</summary>
    public static readonly IReadOnlyList<string> DefaultProviders = ["CUDA", "CPU"];

    /// <summary>
    /// Execution providers to try, in order; one that is not available falls back to the next with a warning.
    /// CPU always works and is tried last even when not listed. Empty (the default) means CUDA, then CPU.
    /// (Starts empty because configuration binding appends to a list's initial items rather than replacing them.)
    /// </summary>
    public IList<string> ExecutionProviders { get; set; } = [];

    /// <summary>The providers to try, in order, each once, CPU last.</summary>
    public IReadOnlyList<string> EffectiveProviders =>
        (ExecutionProviders.Count > 0 ? (IEnumerable<string>)ExecutionProviders : DefaultProviders)
            .Where(p => !p.Equals("CPU", StringComparison.OrdinalIgnoreCase))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Append("CPU")
            .ToList();

    /// <summary>
    /// Threads inside one operator. Default 0 = one per core. Set explicitly: ONNX Runtime's own default used
    /// one of two cores on our machines, and two threads nearly doubled throughput.
    /// </summary>
    public int IntraOpThreads { get; set; }

    /// <summary>Threads across independent operators. Default 1: CLIP graphs are sequential.</summary>
    public int InterOpThreads { get; set; } = 1;

    /// <summary>Device for GPU providers. Default 0.</summary>
    public int DeviceId { get; set; }

    private Action<string>? packageCheck;

    /// <summary>
    /// Sets the check every model package passes before an ONNX session is opened on it in this process (edgert
    /// sets one that opens the package in a child process first: a graph that crashes ONNX Runtime natively,
    /// hangs or allocates without bound must not take the service down). It gets the package folder and throws
    /// <see cref="Packages.ModelPackageException"/> to refuse the package. Not configuration: a method, so the
    /// configuration binder never sees it.
    /// </summary>
    public void UsePackageCheck(Action<string> check) => packageCheck = check ?? throw new ArgumentNullException(nameof(check));

    /// <summary>The check set by <see cref="UsePackageCheck"/>, if any.</summary>
    internal Action<string>? PackageCheck => packageCheck;

    /// <summary>The intra-op thread count to use: the configured one, or one per core.</summary>
    public int EffectiveIntraOpThreads => IntraOpThreads > 0 ? IntraOpThreads : Environment.ProcessorCount;

    /// <summary>Every problem with these options, each with its configuration path.</summary>
    public IEnumerable<string> Validate()
    {
        for (var i = 0; i < ExecutionProviders.Count; i++)
        {
            if (!KnownProviders.Contains(ExecutionProviders[i], StringComparer.OrdinalIgnoreCase))
            {
                yield return $"{Section}:{nameof(ExecutionProviders)}:{i} '{ExecutionProviders[i]}' is not a known provider ({string.Join(", ", KnownProviders)}).";
            }
        }

        if (IntraOpThreads < 0)
        {
            yield return $"{Section}:{nameof(IntraOpThreads)} must be 0 (one per core) or positive (is {IntraOpThreads}).";
        }

        if (InterOpThreads < 1)
        {
            yield return $"{Section}:{nameof(InterOpThreads)} must be at least 1 (is {InterOpThreads}).";
        }

        if (DeviceId < 0)
        {
            yield return $"{Section}:{nameof(DeviceId)} must not be negative (is {DeviceId}).";
        }
    }
}
