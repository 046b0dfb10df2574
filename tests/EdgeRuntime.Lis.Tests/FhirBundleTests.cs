using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeRuntime.Lis.Fhir;
using EdgeRuntime.Lis.Hl7v2;
using Firely.Fhir.Validation;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Specification.Source;
using Hl7.Fhir.Specification.Terminology;
using Xunit.Abstractions;

namespace EdgeRuntime.Lis.Tests;

public sealed class FhirBundleTests(ITestOutputHelper output)
{
    private static readonly Lazy<Validator> R4 = new(() =>
    {
        // The R4 core definitions from Hl7.Fhir.Specification.Data.R4's specification.zip: no network.
        var source = new CachedResolver(ZipSource.CreateValidationSource());
        return new Validator(source, new LocalTerminologyService(source));
    });

    [Fact]
    public void The_bundle_of_a_real_result_validates_against_the_R4_core_definitions_offline()
    {
        var json = FhirBundleBuilder.Serialize(new FhirBundleBuilder(ResultFixture.Options()).Build(LisReport.Of(ResultFixture.Result())));

        // What a receiver gets: parsed back from the JSON, not the objects we built.
        var bundle = JsonSerializer.Deserialize<Bundle>(json, new JsonSerializerOptions().ForFhir())!;
        var outcomes = new List<OperationOutcome> { R4.Value.Validate(bundle) };
        outcomes.AddRange(bundle.Entry.Select(e => R4.Value.Validate(e.Resource)));
        var issues = outcomes.SelectMany(o => o.Issue).ToList();
        foreach (var issue in issues)
        {
            output.WriteLine($"{issue.Severity} {issue.Code} {string.Join(",", issue.Expression ?? [])}: {issue.Details?.Text ?? issue.Diagnostics}");
        }

        output.WriteLine($"validated: the bundle and {bundle.Entry.Count} resources ({string.Join(", ", bundle.Entry.GroupBy(e => e.Resource.TypeName).Select(g => $"{g.Count()} {g.Key}"))})");
        Assert.DoesNotContain(issues, i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal);
        Assert.Equal(2 + (9 * 2) + 9 + 3 + 1, bundle.Entry.Count); // specimen, device; 9 tags × 2; 9 areas; tiles, candidates, tissue; report
    }

    [Fact]
    public void The_report_is_preliminary_labelled_AI_asserted_and_filed_by_the_cases_identifiers()
    {
        var bundle = new FhirBundleBuilder(ResultFixture.Options()).Build(LisReport.Of(ResultFixture.Result()));
        var report = bundle.Entry.Select(e => e.Resource).OfType<DiagnosticReport>().Single();
        Assert.Equal(DiagnosticReport.DiagnosticReportStatus.Preliminary, report.Status);
        Assert.Contains(report.Meta.Security, c => c.System == "http://terminology.hl7.org/CodeSystem/v3-ObservationValue" && c.Code == "AIAST");
        Assert.All(bundle.Entry.Select(e => e.Resource).OfType<Observation>(), o => Assert.Equal(("AIAST", ObservationStatus.Preliminary), (o.Meta.Security.Single().Code, o.Status)));

        var specimen = bundle.Entry.Select(e => e.Resource).OfType<Specimen>().Single();
        Assert.Equal(("https://lis.example.org/id/accession", "S24-01234"), (specimen.AccessionIdentifier.System, specimen.AccessionIdentifier.Value));
        Assert.Equal(["2", "3"], specimen.Container.Single().Identifier.Select(i => i.Value));
        Assert.Equal("stain: H&E", specimen.Processing.Single().Description);

        var device = bundle.Entry.Select(e => e.Resource).OfType<Device>().Single();
        var result = ResultFixture.Result();
        Assert.Contains(device.Identifier, i => i.Value == result["provenance"]!["model"]!["sha256"]!.GetValue<string>());
        Assert.Contains(device.Identifier, i => i.Value == result["provenance"]!["prompts"]!["sha256"]!.GetValue<string>());
        Assert.Equal(result["provenance"]!["model"]!["version"]!.GetValue<string>(), device.Version[0].Value);

        var top = result["tasks"]!["zero-shot-tagging"]!["output"]!["tags"]![0]!;
        var tag = bundle.Entry.Select(e => e.Resource).OfType<Observation>().First(o => o.Code.Coding[0].Code == "slide-tag-score");
        Assert.Equal(top["class"]!.GetValue<string>(), Assert.IsType<FhirString>(tag.Component.Single().Value).Value);
        Assert.Equal((decimal)Math.Round(top["score"]!.GetValue<double>(), 6), Assert.IsType<Quantity>(tag.Value).Value);

        // The result's artefact list, in its order (by path).
        Assert.Equal(
            ["overlay.png", "segmentation.geojson", "segmentation.png", "tiles.csv.gz"],
            report.PresentedForm.Select(a => a.Title));
        Assert.Equal($"https://box1.example.org:9464/results/{result["slideId"]}/overlay.png", report.PresentedForm[0].Url);
    }

    [Fact]
    public void An_oid_prefix_is_refused_at_start_because_the_validator_refuses_what_it_makes()
    {
        var options = ResultFixture.Options();
        options.IdentifierSystemPrefix = "urn:oid:1.2.826.0.1.3680043.";
        Assert.Contains(options.Validate(), e => e.StartsWith("EdgeRuntime:Lis:IdentifierSystemPrefix cannot be an OID", StringComparison.Ordinal));
        var bundle = new FhirBundleBuilder(options).Build(LisReport.Of(ResultFixture.Result()));
        Assert.Contains(R4.Value.Validate(bundle.Entry[0].Resource).Issue, i => i.Severity == OperationOutcome.IssueSeverity.Error && i.ToString().Contains("not a valid URI", StringComparison.Ordinal));
    }

    [Fact]
    public void A_repeat_is_the_same_bundle_with_conditional_creates()
    {
        var builder = new FhirBundleBuilder(ResultFixture.Options());
        var once = FhirBundleBuilder.Serialize(builder.Build(LisReport.Of(ResultFixture.Result())));
        var twice = FhirBundleBuilder.Serialize(builder.Build(LisReport.Of(ResultFixture.Result())));
        Assert.Equal(once, twice);
        var bundle = JsonSerializer.Deserialize<Bundle>(once, new JsonSerializerOptions().ForFhir())!;
        Assert.All(bundle.Entry, e => Assert.StartsWith("identifier=https%3A%2F%2Flis.example.org%2Fid%2Fresult|", e.Request.IfNoneExist, StringComparison.Ordinal));
    }

    [Fact]
    public void A_slide_without_identifiers_still_gives_a_valid_bundle_that_says_so()
    {
        var result = ResultFixture.Result();
        result["case"] = new Cases.SlideCase([], [], ["sidecar", "file-name"], []).ToJson();
        var bundle = new FhirBundleBuilder(ResultFixture.Options()).Build(LisReport.Of(result));
        var specimen = bundle.Entry.Select(e => e.Resource).OfType<Specimen>().Single();
        Assert.Null(specimen.AccessionIdentifier);
        Assert.Contains("No case identifier: no case identifier found in: sidecar, file-name", specimen.Note.Single().Text, StringComparison.Ordinal);
        var issues = R4.Value.Validate(specimen).Issue;
        Assert.DoesNotContain(issues, i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal);
    }
    [Fact]
    public void Cell_counts_and_densities_are_observations_in_the_bundle_and_the_oru_and_the_bundle_still_validates()
    {
        // tasks.cells.output as the cell task writes it (docs/result.schema.json, cellsOutput), one class without tissue to divide by.
        var result = ResultFixture.Result();
        result["tasks"]!["cells"] = JsonNode.Parse("""
            { "output": {
                "head": { "id": "pannuke-head", "version": "1.0.0", "sha256": "8f14e45fceea167a5a36dedd4bea2543e8f14e45fceea167a5a36dedd4bea254", "name": "PanNuke nuclei" },
                "cells": 1234, "tissueMm2": 2.5, "cellsPerMm2": 493.6,
                "classes": [ { "name": "neoplastic", "count": 1000, "perMm2": 400.0 }, { "name": "inflammatory", "count": 234, "perMm2": null } ],
                "tiles": 61, "tissueClasses": null } }
            """);

        var json = FhirBundleBuilder.Serialize(new FhirBundleBuilder(ResultFixture.Options()).Build(LisReport.Of(result)));
        var bundle = JsonSerializer.Deserialize<Bundle>(json, new JsonSerializerOptions().ForFhir())!;
        var observations = bundle.Entry.Select(e => e.Resource).OfType<Observation>().ToList();
        (string? Class, decimal? Value, string Unit) Read(Observation o) => (
            (o.Component.SingleOrDefault()?.Value as FhirString)?.Value,
            ((Quantity)o.Value!).Value,
            ((Quantity)o.Value!).Code);

        Assert.Equal(
            [(null, 1234m, "{cells}"), ("neoplastic", 1000m, "{cells}"), ("inflammatory", 234m, "{cells}")],
            observations.Where(o => o.Code.Coding[0].Code == "cell-count").Select(Read));
        Assert.Equal(
            [(null, 493.6m, "{cells}/mm2"), ("neoplastic", 400.0m, "{cells}/mm2")],
            observations.Where(o => o.Code.Coding[0].Code == "cell-density").Select(Read));
        var device = bundle.Entry.Select(e => e.Resource).OfType<Device>().Single();
        Assert.Contains(device.Identifier, i => i.System == "https://lis.example.org/id/cell-head-sha256" && i.Value == "8f14e45fceea167a5a36dedd4bea2543e8f14e45fceea167a5a36dedd4bea254");

        var issues = new[] { R4.Value.Validate(bundle) }.Concat(bundle.Entry.Select(e => R4.Value.Validate(e.Resource))).SelectMany(o => o.Issue).ToList();
        Assert.DoesNotContain(issues, i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal);
        output.WriteLine($"with the cell task: the bundle and {bundle.Entry.Count} resources validated, {issues.Count} warnings or notes");

        var oru = new OruMessageBuilder(ResultFixture.Options()).Build(LisReport.Of(result), "1").Split('\r');
        Assert.Contains(oru, s => s.Contains("|NM|cell-count^Cells found: neoplastic^L|2|1000|{cells}^{cells}^UCUM|", StringComparison.Ordinal));
        Assert.Contains(oru, s => s.Contains("|NM|cell-density^Cells per mm2 of tissue^L|1|493.6|{cells}/mm2^{cells}/mm2^UCUM|", StringComparison.Ordinal));
        Assert.Contains(oru, s => s.StartsWith("NTE|", StringComparison.Ordinal) && s.Contains("cell-head pannuke-head 1.0.0", StringComparison.Ordinal));
    }
}
