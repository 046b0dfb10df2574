namespace EdgeRuntime.Journal;

/// <summary>
/// What becomes of a slide's file once its slide ends (moved out of the inbox, or left). Implemented by ingest,
/// which owns the inbox; called by processing, which only knows that the slide ended.
/// </summary>
public interface IFinishedSlides
{
    /// <summary>The slide is done; returns where its file is now.</summary>
    string Done(string path);

    /// <summary>The slide failed for <paramref name="reason"/>; returns where its file is now.</summary>
    string Failed(string path, string reason);
}
