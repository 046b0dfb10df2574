using System.Globalization;
using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace EdgeRuntime.Lis.Fhir;

/// <summary>
/// A slide's result as a FHIR R4 transaction <see cref="Bundle"/> (docs/lis.md): a preliminary DiagnosticReport
/// labelled as asserted by AI, an Observation per measurement, the Specimen with the case's identifiers, and the
/// Device (model, its version and digest, and the class sets). Each entry is a conditional create on its own
/// identifier, so a repeat after a crash creates nothing twice.
/// </summary>
public sealed class FhirBundleBuilder(LisOptions options)
{
    private static readonly JsonSerializerOptions Json = new JsonSerializerOptions().ForFhir();
    private static readonly string[] ContainerIdentifiers = ["slide", "block"];

    /// <summary>The FHIR JSON of <paramref name="bundle"/>.</summary>
    public static string Serialize(Bundle bundle) => JsonSerializer.Serialize(bundle, Json);

    /// <summary>The Bundle of <paramref name="report"/>.</summary>
    public Bundle Build(LisReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var resultSystem = options.IdentifierSystemPrefix + "result";
        var ai = new Coding(LisCodes.SecurityLabelSystem, LisCodes.AiAsserted, "artificial intelligence asserted");
        var bundle = new Bundle { Type = Bundle.BundleType.Transaction, Timestamp = report.ProcessedAt };
        string Add(Resource resource, string key)
        {
            var id = Uuid(report.SlideId, key);
            var identifier = $"{report.SlideId}/{key}";
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                FullUrl = id,
                Resource = resource,
                Request = new Bundle.RequestComponent
                {
                    Method = Bundle.HTTPVerb.POST,
                    Url = resource.TypeName,
                    IfNoneExist = $"identifier={Uri.EscapeDataString(resultSystem)}|{Uri.EscapeDataString(identifier)}",
                },
            });
            return id;
        }

        var specimen = Specimen(report, resultSystem);
        var specimenUrl = Add(specimen, "specimen");
        var device = Device(report, resultSystem);
        var deviceUrl = Add(device, "device");
        var observations = new List<ResourceReference>();
        for (var i = 0; i < report.Measurements.Count; i++)
        {
            var m = report.Measurements[i];
            var observation = new Observation
            {
                Meta = new Meta { Security = [ai] },
                Identifier = [new Identifier(resultSystem, $"{report.SlideId}/observation/{i + 1}")],
                Status = ObservationStatus.Preliminary,
                Category = [Category()],
                Code = new CodeableConcept(LisCodes.MeasurementSystem, m.Code, m.Display, m.Item is null ? m.Display : $"{m.Display}: {m.Item}"),
                Value = new Quantity((decimal)Math.Round(m.Value, 6), m.Unit) { Unit = UnitText(m.Unit) },
                Issued = report.ProcessedAt,
                Device = new ResourceReference(deviceUrl),
                Specimen = new ResourceReference(specimenUrl),
            };
            if (m.Item is not null)
            {
                observation.Component.Add(new Observation.ComponentComponent
                {
                    Code = new CodeableConcept(LisCodes.MeasurementSystem, "class", "Class", "class"),
                    Value = new FhirString(m.Item),
                });
            }

            observations.Add(new ResourceReference(Add(observation, $"observation/{i + 1}")));
        }

        var diagnosticReport = new DiagnosticReport
        {
            Meta = new Meta { Security = [ai] },
            Identifier = [new Identifier(resultSystem, $"{report.SlideId}/report")],
            Status = DiagnosticReport.DiagnosticReportStatus.Preliminary,
            Category = [Category()],
            Code = new CodeableConcept(LisCodes.MeasurementSystem, LisCodes.SlideAnalysis, "AI analysis of a whole-slide image", "AI analysis of a whole-slide image"),
            Effective = new FhirDateTime(report.ProcessedAt),
            Issued = report.ProcessedAt,
            Specimen = [new ResourceReference(specimenUrl)],
            Result = observations,
            Conclusion = Conclusion(report),
            PresentedForm = [.. report.Artefacts.Select(a => new Attachment { ContentType = a.ContentType, Title = a.Name, Url = a.Url })],
        };
        Add(diagnosticReport, "report");
        return bundle;
    }

    private Specimen Specimen(LisReport report, string resultSystem)
    {
        var specimen = new Specimen { Identifier = [new Identifier(resultSystem, $"{report.SlideId}/specimen")] };
        string System(string name) => options.IdentifierSystemPrefix + name;
        if (report.Identifier("accession") is { } accession)
        {
            specimen.AccessionIdentifier = new Identifier(System("accession"), accession);
        }

        if (report.Identifier("specimen") is { } part)
        {
            specimen.Identifier.Add(new Identifier(System("specimen"), part));
        }

        // The glass slide (and the block it was cut from) are the containers the tissue sits in.
        var container = new Specimen.ContainerComponent
        {
            Description = "glass slide",
            Identifier = [.. ContainerIdentifiers.Where(n => report.Identifier(n) is not null).Select(n => new Identifier(System(n), report.Identifier(n)))],
        };
        specimen.Container.Add(container);
        if (report.Identifier("stain") is { } stain)
        {
            specimen.Processing.Add(new Specimen.ProcessingComponent { Description = $"stain: {stain}" });
        }

        specimen.Note.Add(new Annotation
        {
            Text = new Markdown(report.Identifiers.Count == 0
                ? $"No case identifier: {report.CaseNote ?? "none found"}. Slide file {report.FileName}, id {report.SlideId}."
                : $"Identifiers read from: {string.Join(", ", report.Identifiers.Select(i => $"{i.Name} ({i.Source})"))}. Slide file {report.FileName}, id {report.SlideId}."),
        });
        return specimen;
    }

    private Device Device(LisReport report, string resultSystem)
    {
        var device = new Device
        {
            Identifier = [new Identifier(resultSystem, $"{report.SlideId}/device"), new Identifier(options.IdentifierSystemPrefix + "model-sha256", report.Model.Sha256)],
            Status = Hl7.Fhir.Model.Device.FHIRDeviceStatus.Active,
            DeviceName = [new Device.DeviceNameComponent { Name = report.Model.Name ?? report.Model.Id, Type = DeviceNameType.ModelName }],
            Type = new CodeableConcept(LisCodes.MeasurementSystem, "ai-model", "AI model", "AI model (EdgeRuntime)"),
            Version = [new Device.VersionComponent { Type = new CodeableConcept { Text = $"model {report.Model.Id}" }, Value = report.Model.Version }],
        };
        foreach (var set in report.ClassSets)
        {
            device.Version.Add(new Device.VersionComponent { Type = new CodeableConcept { Text = $"{set.Kind} {set.Id}" }, Value = set.Version });
            device.Identifier.Add(new Identifier(options.IdentifierSystemPrefix + $"{set.Kind}-sha256", set.Sha256));
        }

        return device;
    }

    private static CodeableConcept Category() =>
        new(LisCodes.DiagnosticServiceSystem, LisCodes.SurgicalPathology, "Surgical Pathology", "Surgical Pathology");

    private static string Conclusion(LisReport report)
    {
        var preliminary = "Preliminary, generated by AI; not a diagnosis until a pathologist reviews it.";
        if (report.Outcome != "ok")
        {
            return $"No analysis: {report.Reason ?? report.Outcome}. {preliminary}";
        }

        var top = report.Measurements.Where(m => m.Code == LisCodes.TagScore).MaxBy(m => m.Value);
        return top is null ? preliminary : $"Highest slide tag: {top.Item} ({top.Value.ToString("0.###", CultureInfo.InvariantCulture)}). {preliminary}";
    }

    private static string UnitText(string ucum) => ucum switch
    {
        "mm2" => "mm²",
        "{tiles}" => "tiles",
        "{cells}" => "cells",
        "{cells}/mm2" => "cells/mm²",
        _ => ucum,
    };

    // The same entry gets the same urn:uuid every time, so a repeat is the same Bundle.
    private static string Uuid(string slideId, string key)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{slideId}/{key}"));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return "urn:uuid:" + new Guid(hash.AsSpan(0, 16), bigEndian: true).ToString();
    }
}
