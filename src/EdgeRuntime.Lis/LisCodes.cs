namespace EdgeRuntime.Lis;

/// <summary>
/// The codes of the LIS messages (docs/lis.md): EdgeRuntime's own code system for what it measures, and the HL7
/// codes for what HL7 has a code for.
/// </summary>
public static class LisCodes
{
    /// <summary>EdgeRuntime's code system for its measurements (FHIR Observation.code, HL7 v2 OBX-3 with coding system L).</summary>
    public const string MeasurementSystem = "urn:edgeruntime:measurement";

    /// <summary>Softmax score of a slide tag (MI-Zero top-K pooling).</summary>
    public const string TagScore = "slide-tag-score";

    /// <summary>Share of tiles whose top class is the tag.</summary>
    public const string TagTileFraction = "slide-tag-tile-fraction";

    /// <summary>Area of a tissue class in mm².</summary>
    public const string ClassArea = "tissue-class-area";

    /// <summary>Cells the cell task found, in all or of one class.</summary>
    public const string CellCount = "cell-count";

    /// <summary>Cells per mm² of tissue, in all or of one class.</summary>
    public const string CellDensity = "cell-density";

    /// <summary>Tissue tiles analysed.</summary>
    public const string TilesKept = "tiles-kept";

    /// <summary>Tiles in the grid before tissue selection.</summary>
    public const string TilesCandidates = "tiles-candidates";

    /// <summary>Tissue share of the slide.</summary>
    public const string TissueFraction = "tissue-fraction";

    /// <summary>The report as a whole: an AI analysis of a whole-slide image.</summary>
    public const string SlideAnalysis = "ai-slide-analysis";

    /// <summary>HL7 v3 ObservationValue: the security label that says a resource was asserted by artificial intelligence.</summary>
    public const string SecurityLabelSystem = "http://terminology.hl7.org/CodeSystem/v3-ObservationValue";

    /// <summary>AIAST: "artificial intelligence asserted".</summary>
    public const string AiAsserted = "AIAST";

    /// <summary>HL7 table 0074, diagnostic service section: surgical pathology.</summary>
    public const string DiagnosticServiceSystem = "http://terminology.hl7.org/CodeSystem/v2-0074";

    /// <summary>Surgical pathology (table 0074).</summary>
    public const string SurgicalPathology = "SP";
}
