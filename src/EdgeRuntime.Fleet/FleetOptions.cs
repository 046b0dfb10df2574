namespace EdgeRuntime.Fleet;

/// <summary>
/// A fleet of boxes sharing work on one external broker (docs/fleet.md). Bound from <c>EdgeRuntime:Fleet</c>. Off by
/// default: a single box does nothing new.
/// </summary>
public sealed class FleetOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "EdgeRuntime:Fleet";

    /// <summary>The topic level the fleet's own topics sit under (<c>{TopicPrefix}/fleet/...</c>); no node may be named so.</summary>
    public const string FleetLevel = "fleet";

    /// <summary>Take part in a fleet: offer work, take work, publish the fleet view. Needs an external broker. Default false.</summary>
    public bool Enabled { get; set; }

    /// <summary>The shared subscription's group (<c>$share/{Group}/...</c>): boxes of one group share work. Default <c>edgeruntime</c>.</summary>
    public string Group { get; set; } = "edgeruntime";

    /// <summary>
    /// Where the shared storage is mounted on this box (absolute). Slides below it can be offered: an offer names the
    /// slide's path relative to it, and the box that takes it reads the file below its own mount. Required when enabled.
    /// </summary>
    public string? SharedRoot { get; set; }

    /// <summary>Pending slides this box keeps for itself; beyond them it offers slides to idle boxes. Default 2.</summary>
    public int OfferThreshold { get; set; } = 2;

    /// <summary>
    /// Seconds a box holds an offered slide without renewing (it renews every third of this); once past, the owner
    /// takes the slide back (a box killed mid-slide). Default 60.
    /// </summary>
    public double LeaseSeconds { get; set; } = 60;

    /// <summary>Seconds an offer waits for a claim before the owner keeps the slide. Default 5.</summary>
    public double ClaimTimeoutSeconds { get; set; } = 5;

    /// <summary>Seconds between this box's retained fleet state (and the aggregated view). Default 10.</summary>
    public double StateIntervalSeconds { get; set; } = 10;

    /// <summary>Every problem with these options, each with its configuration path.</summary>
    /// <param name="embeddedBroker">Whether the service runs the embedded broker (no <c>EdgeRuntime:Mqtt:Host</c>).</param>
    /// <param name="nodeId">This box's <c>EdgeRuntime:Mqtt:NodeId</c>.</param>
    public IEnumerable<string> Validate(bool embeddedBroker, string nodeId)
    {
        if (!Enabled)
        {
            yield break;
        }

        if (embeddedBroker)
        {
            yield return $"{Section}:{nameof(Enabled)} is true, but EdgeRuntime:Mqtt:Host is empty, so the service would run the embedded broker, which has no MQTT 5 shared subscriptions: a fleet needs an external broker (Mosquitto 2, EMQX, HiveMQ, VerneMQ). Set EdgeRuntime:Mqtt:Host, or set {Section}:{nameof(Enabled)} to false for a single box.";
        }

        if (string.IsNullOrWhiteSpace(Group) || Group.IndexOfAny(['/', '+', '#']) >= 0)
        {
            yield return $"{Section}:{nameof(Group)} must be a non-empty topic level without '/', '+' or '#' (is '{Group}').";
        }

        if (string.IsNullOrWhiteSpace(SharedRoot) || !Path.IsPathFullyQualified(SharedRoot))
        {
            yield return $"{Section}:{nameof(SharedRoot)} must be the absolute path where the shared storage is mounted on this box (is '{SharedRoot}').";
        }
        else if (!Directory.Exists(SharedRoot))
        {
            yield return $"{Section}:{nameof(SharedRoot)} '{SharedRoot}' is not a folder (is the shared storage mounted?).";
        }

        if (OfferThreshold is < 0 or > 100_000)
        {
            yield return $"{Section}:{nameof(OfferThreshold)} must be 0 to 100000 (is {OfferThreshold}).";
        }

        if (!(LeaseSeconds is >= 3 and <= 86_400))
        {
            yield return $"{Section}:{nameof(LeaseSeconds)} must be 3 to 86400 (is {LeaseSeconds}).";
        }

        if (!(ClaimTimeoutSeconds is >= 0.5 and <= 600))
        {
            yield return $"{Section}:{nameof(ClaimTimeoutSeconds)} must be 0.5 to 600 (is {ClaimTimeoutSeconds}).";
        }

        if (!(StateIntervalSeconds is >= 0.5 and <= 3600))
        {
            yield return $"{Section}:{nameof(StateIntervalSeconds)} must be 0.5 to 3600 (is {StateIntervalSeconds}).";
        }

        if (nodeId == FleetLevel)
        {
            yield return $"EdgeRuntime:Mqtt:NodeId cannot be '{FleetLevel}' in a fleet: the fleet's own topics are {{TopicPrefix}}/{FleetLevel}/....";
        }
    }
}
