namespace EdgeRuntime.Journal;

/// <summary>
/// What becomes of a slide's file once its slide ends (moved out of the inbox, or left). Implemented by ingest,
/// which owns the inbox; called by processing, which only knows that the slide ended.
/// </summary>
public interface IFinishedSlides
{
    /// <summary>Where the file at <paramref name="path"/> will be once its slide is done, so that its result can say so.</summary>
    string DoneDestination(string path);

    /// <summary>The slide is done: its file goes to <paramref name="destination"/> (from <see cref="DoneDestination"/>); returns where it is now.</summary>
    string Done(string path, string destination);

    /// <summary>The slide failed for <paramref name="reason"/>; returns where its file is now.</summary>
    string Failed(string path, string reason);
}
