namespace EdgeRuntime.Runtime.Results;

/// <summary>
/// Where a result's artefacts are fetched: <c>results/{slideId}/{path}</c> on the box's operations endpoint,
/// absolute when the box knows the address others reach it by, else relative to that endpoint.
/// </summary>
/// <param name="BaseUrl">The endpoint as other machines reach it (<c>EdgeRuntime:Operations:PublicUrl</c>); null when not configured.</param>
public sealed record ArtefactLinks(Uri? BaseUrl)
{
    /// <summary>No endpoint configured: links relative to the operations endpoint.</summary>
    public static ArtefactLinks Relative { get; } = new((Uri?)null);

    /// <summary>The link to <paramref name="path"/> of <paramref name="slideId"/>'s result folder.</summary>
    public string For(string slideId, string path)
    {
        var relative = $"results/{Uri.EscapeDataString(slideId)}/{string.Join('/', path.Split('/').Select(Uri.EscapeDataString))}";
        return BaseUrl is null ? relative : new Uri(BaseUrl, relative).ToString();
    }
}
