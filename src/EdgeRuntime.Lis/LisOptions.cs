namespace EdgeRuntime.Lis;

/// <summary>Results in the LIS's own languages: FHIR R4 and HL7 v2 (docs/lis.md). Bound from <c>EdgeRuntime:Lis</c>.</summary>
public sealed class LisOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "EdgeRuntime:Lis";

    /// <summary>
    /// The identifier system of each case identifier is this followed by its name (<c>urn:edgeruntime:accession</c>);
    /// set it to a namespace of the LIS's own (<c>https://lis.example.org/id/</c>). Not <c>urn:oid:</c>: an OID URI ends
    /// with the OID, so nothing can follow it. Default <c>urn:edgeruntime:</c>.
    /// </summary>
    public string IdentifierSystemPrefix { get; set; } = "urn:edgeruntime:";

    /// <summary>Seconds before a transport that failed is tried again. Default 10.</summary>
    public double RetrySeconds { get; set; } = 10;

    /// <summary>
    /// Where a message the receiver refuses for good (a FHIR server's 4xx other than 408 and 429, an HL7 AE or AR
    /// acknowledgement) is kept with the receiver's reason, so that the result is never lost and later slides are not
    /// held behind it. Default <c>state/lis-refused</c> (relative paths: beside the journal's).
    /// </summary>
    public string RefusedFolder { get; set; } = Path.Combine("state", "lis-refused");

    /// <summary>FHIR R4 out.</summary>
    public FhirOptions Fhir { get; set; } = new();

    /// <summary>HL7 v2.5.1 ORU^R01 over MLLP.</summary>
    public Hl7Options Hl7 { get; set; } = new();

    /// <summary>Whether any LIS transport is in use.</summary>
    public bool AnyTransport => Fhir.Mqtt || Fhir.ServerUrl is not null || Hl7.Host is not null;

    /// <summary>Every problem with these options, each with its configuration path.</summary>
    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(IdentifierSystemPrefix) || !Uri.TryCreate(IdentifierSystemPrefix + "accession", UriKind.Absolute, out _))
        {
            yield return $"{Section}:{nameof(IdentifierSystemPrefix)} must begin an absolute URI, such as https://lis.example.org/id/ (is '{IdentifierSystemPrefix}').";
        }
        else if (IdentifierSystemPrefix.StartsWith("urn:oid:", StringComparison.OrdinalIgnoreCase))
        {
            yield return $"{Section}:{nameof(IdentifierSystemPrefix)} cannot be an OID: 'urn:oid:' URIs end with the OID, and the identifier's name follows the prefix; use a URL or another URN namespace (is '{IdentifierSystemPrefix}').";
        }

        if (!(RetrySeconds is > 0 and <= 3600))
        {
            yield return $"{Section}:{nameof(RetrySeconds)} must be more than 0 and at most 3600 (is {RetrySeconds}).";
        }

        if (string.IsNullOrWhiteSpace(RefusedFolder))
        {
            yield return $"{Section}:{nameof(RefusedFolder)} must name a folder.";
        }

        foreach (var error in Fhir.Validate($"{Section}:{nameof(Fhir)}").Concat(Hl7.Validate($"{Section}:{nameof(Hl7)}")))
        {
            yield return error;
        }
    }

    internal static bool IsHttp(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}

/// <summary>FHIR R4 out: a Bundle per result on MQTT and, where configured, POSTed to a FHIR server.</summary>
public sealed class FhirOptions
{
    /// <summary>Publish each result's Bundle on <c>slides/{id}/fhir</c> (QoS 1, through its own outbox cursor). Default true.</summary>
    public bool Mqtt { get; set; } = true;

    /// <summary>
    /// A FHIR R4 server's base URL: each Bundle (a transaction) is POSTed there through its own outbox cursor. https
    /// unless the host is loopback. Default none.
    /// </summary>
    public string? ServerUrl { get; set; }

    /// <summary>HTTP basic account at the server, with <see cref="Password"/>. Default none.</summary>
    public string? Username { get; set; }

    /// <summary>The account's password.</summary>
    public string? Password { get; set; }

    /// <summary>A bearer token sent instead of an account. Default none.</summary>
    public string? BearerToken { get; set; }

    /// <summary>PEM file of the CA the server's certificate must chain to (besides the system's). Default none: the system's CAs.</summary>
    public string? CaFile { get; set; }

    /// <summary>Seconds a POST may take. Default 30.</summary>
    public double TimeoutSeconds { get; set; } = 30;

    internal IEnumerable<string> Validate(string section)
    {
        if (ServerUrl is null)
        {
            yield break;
        }

        if (!LisOptions.IsHttp(ServerUrl))
        {
            yield return $"{section}:{nameof(ServerUrl)} must be an http or https URL (is '{ServerUrl}').";
        }
        else if (new Uri(ServerUrl).Scheme == Uri.UriSchemeHttp && !new Uri(ServerUrl).IsLoopback)
        {
            yield return $"{section}:{nameof(ServerUrl)} is plain http to another machine: results carry case identifiers, so use https (is '{ServerUrl}').";
        }

        if (Username is not null && string.IsNullOrEmpty(Password))
        {
            yield return $"{section}:{nameof(Password)} must be set with {section}:{nameof(Username)}.";
        }

        if (Username is not null && BearerToken is not null)
        {
            yield return $"{section}: set {nameof(Username)} or {nameof(BearerToken)}, not both.";
        }

        if (CaFile is not null && !File.Exists(CaFile))
        {
            yield return $"{section}:{nameof(CaFile)}: no such file '{CaFile}'.";
        }

        if (!(TimeoutSeconds is > 0 and <= 600))
        {
            yield return $"{section}:{nameof(TimeoutSeconds)} must be more than 0 and at most 600 (is {TimeoutSeconds}).";
        }
    }
}

/// <summary>HL7 v2.5.1 ORU^R01 over MLLP to one host.</summary>
public sealed class Hl7Options
{
    /// <summary>The receiving host (an interface engine, the LIS). Default none: no HL7 v2 is sent.</summary>
    public string? Host { get; set; }

    /// <summary>Its MLLP port. Default 2575.</summary>
    public int Port { get; set; } = 2575;

    /// <summary>MSH-3, the sending application. Default <c>EdgeRuntime</c>.</summary>
    public string SendingApplication { get; set; } = "EdgeRuntime";

    /// <summary>MSH-4, the sending facility. Default the host name.</summary>
    public string? SendingFacility { get; set; }

    /// <summary>MSH-5, the receiving application. Default <c>LIS</c>.</summary>
    public string ReceivingApplication { get; set; } = "LIS";

    /// <summary>MSH-6, the receiving facility. Default empty.</summary>
    public string ReceivingFacility { get; set; } = "";

    /// <summary>Seconds to connect, send and receive the acknowledgement. Default 30.</summary>
    public double TimeoutSeconds { get; set; } = 30;

    /// <summary>
    /// MLLP over TLS: the receiver's certificate is verified against the system's CAs and, where set,
    /// <see cref="CaFile"/>, and must name <see cref="ServerName"/> (default <see cref="Host"/>); there is no switch
    /// to accept a bad certificate. Default false.
    /// </summary>
    public bool UseTls { get; set; }

    /// <summary>The CA (PEM) that signed the receiver's certificate, for a site CA the system does not trust.</summary>
    public string? CaFile { get; set; }

    /// <summary>The name the receiver's certificate must carry; default <see cref="Host"/>.</summary>
    public string? ServerName { get; set; }

    internal IEnumerable<string> Validate(string section)
    {
        if (Host is null)
        {
            yield break;
        }

        if (!UseTls && (CaFile is not null || ServerName is not null))
        {
            yield return $"{section}:{nameof(CaFile)} and {nameof(ServerName)} are for TLS: set {section}:{nameof(UseTls)} to true, or leave them out.";
        }

        if (CaFile is not null && !File.Exists(CaFile))
        {
            yield return $"{section}:{nameof(CaFile)}: no such file '{CaFile}'.";
        }

        if (string.IsNullOrWhiteSpace(Host))
        {
            yield return $"{section}:{nameof(Host)} must name a host, or be left out.";
        }

        if (Port is < 1 or > 65535)
        {
            yield return $"{section}:{nameof(Port)} must be 1 to 65535 (is {Port}).";
        }

        foreach (var (key, value) in new[] { (nameof(SendingApplication), SendingApplication), (nameof(SendingFacility), SendingFacility ?? ""), (nameof(ReceivingApplication), ReceivingApplication), (nameof(ReceivingFacility), ReceivingFacility) })
        {
            if (value.IndexOfAny(['|', '^', '~', '\\', '&', '\r', '\n']) >= 0)
            {
                yield return $"{section}:{key} must not contain HL7 delimiters (| ^ ~ \\ &) or line breaks (is '{value}').";
            }
        }

        if (!(TimeoutSeconds is > 0 and <= 600))
        {
            yield return $"{section}:{nameof(TimeoutSeconds)} must be more than 0 and at most 600 (is {TimeoutSeconds}).";
        }
    }
}
