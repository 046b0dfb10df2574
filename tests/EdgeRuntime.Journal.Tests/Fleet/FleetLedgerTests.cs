using EdgeRuntime.Journal.Fleet;
using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Journal.Tests.Fleet;

/// <summary>
/// The owner's ledger of offered slides: one holder per offer, one accepted result per lease, nothing accepted after
/// an expiry or a restart; the table is added to an existing journal (docs/fleet.md).
/// </summary>
public sealed class FleetLedgerTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void An_offer_has_one_holder_and_one_accepted_result()
    {
        using var journal = new SlideJournal(temp.File("journal.db"));
        var ledger = new FleetLedger(journal);
        ledger.Offered("o1", "slide-a");
        var until = DateTimeOffset.UtcNow.AddMinutes(1);
        Assert.True(ledger.Lease("o1", "box2", until));
        Assert.False(ledger.Lease("o1", "box3", until)); // a second claim
        Assert.False(ledger.Close("o1", "box3", "done")); // a result from a box that holds no lease
        Assert.True(ledger.Close("o1", "box2", "done"));
        Assert.False(ledger.Close("o1", "box2", "done")); // the same result delivered twice
        Assert.Equal("box2", ledger.ProcessedBy("slide-a"));
    }

    [Fact]
    public void An_expired_lease_accepts_no_renewal_and_no_late_result()
    {
        using var journal = new SlideJournal(temp.File("journal.db"));
        var ledger = new FleetLedger(journal);
        ledger.Offered("o1", "slide-a");
        Assert.True(ledger.Lease("o1", "box2", DateTimeOffset.UtcNow.AddSeconds(-1)));
        var expired = Assert.Single(ledger.Expire(DateTimeOffset.UtcNow));
        Assert.Equal(("o1", "slide-a", "box2"), (expired.OfferId, expired.SlideId, expired.Holder));
        Assert.Empty(ledger.Expire(DateTimeOffset.UtcNow)); // once
        Assert.False(ledger.Renew("o1", "box2", DateTimeOffset.UtcNow.AddMinutes(1)));
        Assert.False(ledger.Close("o1", "box2", "done"));
        Assert.Null(ledger.ProcessedBy("slide-a"));
    }

    [Fact]
    public void A_restart_voids_open_offers_and_leases_but_keeps_who_processed_what()
    {
        var path = temp.File("journal.db");
        using (var journal = new SlideJournal(path))
        {
            var ledger = new FleetLedger(journal);
            ledger.Offered("o1", "slide-a");
            ledger.Offered("o2", "slide-b");
            ledger.Offered("o3", "slide-c");
            ledger.Lease("o2", "box2", DateTimeOffset.UtcNow.AddMinutes(1));
            ledger.Lease("o3", "box3", DateTimeOffset.UtcNow.AddMinutes(1));
            ledger.Close("o3", "box3", "done");
        }

        using var reopened = new SlideJournal(path);
        var again = new FleetLedger(reopened);
        Assert.Equal(2, again.AbandonOpen());
        Assert.False(again.Lease("o1", "box2", DateTimeOffset.UtcNow.AddMinutes(1)));
        Assert.False(again.Close("o2", "box2", "done"));
        Assert.Equal("box3", again.ProcessedBy("slide-c"));
        Assert.Equal(2, again.Counts()["abandoned"]);
    }

    [Fact]
    public void An_offer_withdrawn_before_a_claim_cannot_be_leased()
    {
        using var journal = new SlideJournal(temp.File("journal.db"));
        var ledger = new FleetLedger(journal);
        ledger.Offered("o1", "slide-a");
        Assert.True(ledger.Withdraw("o1", "no box claimed it"));
        Assert.False(ledger.Lease("o1", "box2", DateTimeOffset.UtcNow.AddMinutes(1)));
    }
}
