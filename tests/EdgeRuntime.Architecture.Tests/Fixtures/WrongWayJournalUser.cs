using EdgeRuntime.Journal;

namespace EdgeRuntime.Architecture.Tests.Fixtures;

// A deliberate wrong-way use, compiled: code that, were it in Slides, would reach up into the journal.
internal sealed class WrongWayJournalUser(SlideJournal journal)
{
    public string Where => journal.DatabasePath;
}
