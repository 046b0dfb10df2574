using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Fleet;

/// <summary>Fleet log messages. Event ids 9300–9329.</summary>
internal static partial class FleetLog
{
    [LoggerMessage(EventId = 9300, Level = LogLevel.Information, Message = "Fleet: box {Node} in group {Group}; shared storage at {SharedRoot}; offers slides beyond {Threshold} pending; leases of {LeaseSeconds:0.#} s.")]
    public static partial void Started(ILogger logger, string node, string group, string sharedRoot, int threshold, double leaseSeconds);

    [LoggerMessage(EventId = 9301, Level = LogLevel.Information, Message = "Fleet: offered slide {SlideId} ({Path}) as offer {Offer}.")]
    public static partial void Offered(ILogger logger, string slideId, string path, string offer);

    [LoggerMessage(EventId = 9302, Level = LogLevel.Information, Message = "Fleet: slide {SlideId} leased to box {Holder} for {LeaseSeconds:0.#} s (offer {Offer}).")]
    public static partial void Leased(ILogger logger, string slideId, string holder, double leaseSeconds, string offer);

    [LoggerMessage(EventId = 9303, Level = LogLevel.Information, Message = "Fleet: slide {SlideId} kept: {Reason}.")]
    public static partial void Kept(ILogger logger, string slideId, string reason);

    [LoggerMessage(EventId = 9304, Level = LogLevel.Warning, Message = "Fleet: the lease of box {Holder} on slide {SlideId} expired (no renewal); the slide is pending here again.")]
    public static partial void LeaseExpired(ILogger logger, string holder, string slideId);

    [LoggerMessage(EventId = 9305, Level = LogLevel.Information, Message = "Fleet: slide {SlideId} processed by box {Holder}: {Outcome}.")]
    public static partial void Finished(ILogger logger, string slideId, string holder, string outcome);

    [LoggerMessage(EventId = 9306, Level = LogLevel.Information, Message = "Fleet: a {Type} from box {From} for offer {Offer} was not accepted: {Reason}.")]
    public static partial void NotAccepted(ILogger logger, string type, string from, string offer, string reason);

    [LoggerMessage(EventId = 9307, Level = LogLevel.Information, Message = "Fleet: processing slide {SlideId} of box {Owner} from {Path}.")]
    public static partial void Taking(ILogger logger, string slideId, string owner, string path);

    [LoggerMessage(EventId = 9308, Level = LogLevel.Information, Message = "Fleet: slide {SlideId} of box {Owner} ended here: {Outcome}.")]
    public static partial void Took(ILogger logger, string slideId, string owner, string outcome);

    [LoggerMessage(EventId = 9309, Level = LogLevel.Warning, Message = "Fleet: a message on {Topic} is not a fleet message; ignored.")]
    public static partial void Unreadable(ILogger logger, string topic);

    [LoggerMessage(EventId = 9310, Level = LogLevel.Warning, Message = "Fleet: {What} failed: {Reason}; tried again shortly.")]
    public static partial void Failed(ILogger logger, string what, string reason);

    [LoggerMessage(EventId = 9311, Level = LogLevel.Warning, Message = "Fleet: slide {SlideId} is at {Path}, not below {Fleet}:SharedRoot {SharedRoot}: no other box could read it, so this box offers nothing.")]
    public static partial void NotShared(ILogger logger, string slideId, string path, string fleet, string sharedRoot);

    [LoggerMessage(EventId = 9312, Level = LogLevel.Warning, Message = "Fleet: the broker refused the subscription to {Filter} ({Code}); {Consequence}.")]
    public static partial void SubscriptionRefused(ILogger logger, string filter, string code, string consequence);

    [LoggerMessage(EventId = 9313, Level = LogLevel.Information, Message = "Fleet: {Count} offers or leases of the run before are void; their slides are pending here again.")]
    public static partial void Abandoned(ILogger logger, int count);

    [LoggerMessage(EventId = 9314, Level = LogLevel.Warning, Message = "Fleet: an offer from box {Owner} was refused: {Reason}.")]
    public static partial void OfferRefused(ILogger logger, string owner, string reason);

    [LoggerMessage(EventId = 9315, Level = LogLevel.Warning, Message = "Fleet: handling {What} failed: {Reason}; the fleet loop goes on.")]
    public static partial void InputFailed(ILogger logger, string what, string reason);
}
