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

    /// <summary>
    /// Whether ONNX Runtime's intra-op threads spin while they wait for the next operator. Default false: on a CPU box
    /// the encoder shares its cores with the slide readers and task plugins, and a spinning thread takes the core
    /// from them (measured on two shared cores, int8 ViT-B/32: 24–28 instead of 34–36 CPU ms per tile, 1.3× the
    /// tiles/s; docs/performance.md). True suits a box whose cores do nothing but encode.
    /// </summary>
    public bool IntraOpSpinning { get; set; }

    /// <summary>Threads across independent operators. Default 1: CLIP graphs are sequential.</summary>
    public int InterOpThreads { get; set; } = 1;

    /// <summary>Device for GPU providers. Default 0.</summary>
    public int DeviceId { get; set; }

    /// <summary>
    /// The image encoder's arithmetic: <c>auto</c> (the default) runs an int8 copy of it where the encoder runs on the
    /// CPU provider and that copy passed its gate (<see cref="Precision.Int8Gate"/>), float otherwise; <c>float</c>
    /// never quantises; <c>int8</c> builds and gates the copy before the model starts (auto builds it in the
    /// background and adopts it at the next activation). GPU providers always keep float.
    /// </summary>
    public string Precision { get; set; } = Inference.Precision.PrecisionMode.Auto;

    /// <summary>The gate's bound: every gate tile's cosine between its int8 and float embedding must reach it. Default 0.99.</summary>
    public double Int8CosineBound { get; set; } = 0.99;

    /// <summary>How many tiles the gate compares. Default 64.</summary>
    public int Int8GateTiles { get; set; } = 64;

    /// <summary>
    /// Slides (or folders of slides, newest first) whose tissue tiles the gate compares on: the site's recent slides.
    /// Empty: the host's own choice (edgert: the inbox's done folder, then the sample slide).
    /// </summary>
    public IList<string> Int8GateSlides { get; set; } = [];

    /// <summary>
    /// The gate's speed condition: the int8 copy must encode the gate tiles at least this many times as fast as float,
    /// timed side by side in the same process (a small model's int8 copy can be slower than float). Default 1.1;
    /// 0 adopts a copy however fast it is.
    /// </summary>
    public double Int8MinSpeedup { get; set; } = 1.1;

    /// <summary>
    /// The site's labelled set, if it has one (a folder of class folders, or a CSV of path,label[,split], as
    /// <c>edgert eval</c> reads): the gate classifies its images few-shot with both encoders, and int8's accuracy must
    /// lie within float's 95 % bootstrap interval. Empty (the default): no labelled-set condition.
    /// </summary>
    public string Int8LabelledSet { get; set; } = string.Empty;

    private Action<string, string?>? packageCheck;

    /// <summary>
    /// Sets the check every package with an ONNX graph passes before a session is opened on it in this process: a
    /// model package, and a cell head with the model package whose tokens it reads (edgert sets one that opens the
    /// package in a child process first: a graph that crashes ONNX Runtime natively, hangs or allocates without
    /// bound must not take the service down). It gets the package folder and, for a cell head, the model package's
    /// folder (null for a model package), and throws <see cref="Packages.ModelPackageException"/> to refuse the
    /// package. Not configuration: a method, so the configuration binder never sees it.
    /// </summary>
    public void UsePackageCheck(Action<string, string?> check) => packageCheck = check ?? throw new ArgumentNullException(nameof(check));

    /// <summary>The check set by <see cref="UsePackageCheck"/>, if any.</summary>
    internal Action<string, string?>? PackageCheck => packageCheck;

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

        if (!Inference.Precision.PrecisionMode.All.Contains(Precision, StringComparer.OrdinalIgnoreCase))
        {
            yield return $"{Section}:{nameof(Precision)} '{Precision}' is not a precision ({string.Join(", ", Inference.Precision.PrecisionMode.All)}).";
        }

        if (!(Int8CosineBound > 0 && Int8CosineBound <= 1))
        {
            yield return $"{Section}:{nameof(Int8CosineBound)} must be above 0 and at most 1 (is {Int8CosineBound.ToString(System.Globalization.CultureInfo.InvariantCulture)}).";
        }

        if (Int8GateTiles is < 1 or > 4096)
        {
            yield return $"{Section}:{nameof(Int8GateTiles)} must be 1 to 4096 (is {Int8GateTiles}).";
        }

        if (!(Int8MinSpeedup >= 0 && Int8MinSpeedup <= 1000))
        {
            yield return $"{Section}:{nameof(Int8MinSpeedup)} must be 0 (no speed condition) to 1000 (is {Int8MinSpeedup.ToString(System.Globalization.CultureInfo.InvariantCulture)}).";
        }

        if (Int8LabelledSet is null || (Int8LabelledSet.Length > 0 && string.IsNullOrWhiteSpace(Int8LabelledSet)))
        {
            yield return $"{Section}:{nameof(Int8LabelledSet)} must name a folder of class folders or a .csv file, or be empty.";
        }

        for (var i = 0; i < Int8GateSlides.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(Int8GateSlides[i]))
            {
                yield return $"{Section}:{nameof(Int8GateSlides)}:{i} must name a slide or a folder of slides.";
            }
        }

        if (DeviceId < 0)
        {
            yield return $"{Section}:{nameof(DeviceId)} must not be negative (is {DeviceId}).";
        }
    }
}
