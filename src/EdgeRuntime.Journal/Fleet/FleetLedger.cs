using System.Globalization;
using EdgeRuntime.Journal.Sqlite;
using Microsoft.Data.Sqlite;

namespace EdgeRuntime.Journal.Fleet;

/// <summary>
/// The owner's record of the slides it offered to the fleet (docs/fleet.md), in the journal's database, table
/// <c>fleet_offers</c>: which box holds a slide's lease and until when, and who processed it. Every change is a
/// compare-and-set on the row's state, so a claim, a renewal, a result or an expiry that arrives twice or too late
/// changes nothing: one offer has at most one holder, and at most one result is accepted.
/// </summary>
public sealed class FleetLedger
{
    private readonly JournalDatabase database;

    /// <summary>Opens the ledger beside <paramref name="journal"/>'s tables (created on first use).</summary>
    public FleetLedger(SlideJournal journal)
    {
        ArgumentNullException.ThrowIfNull(journal);
        DatabasePath = journal.DatabasePath;
        database = journal.Database; // its connections, busy timeout, file-identity check and failures
        Guarded(() =>
        {
            using var connection = Open();
            Execute(connection, """
                CREATE TABLE IF NOT EXISTS fleet_offers (
                    offer TEXT PRIMARY KEY,
                    slide TEXT NOT NULL,
                    state TEXT NOT NULL,
                    holder TEXT,
                    lease_until TEXT,
                    offered_at TEXT NOT NULL,
                    finished_at TEXT,
                    reason TEXT);
                CREATE INDEX IF NOT EXISTS fleet_offers_state ON fleet_offers(state);
                """);
        });
    }

    /// <summary>The database file.</summary>
    public string DatabasePath { get; }

    /// <summary>Records an offer of <paramref name="slideId"/>, open for claims.</summary>
    public void Offered(string offerId, string slideId) => Guarded(() =>
    {
        using var connection = Open();
        Execute(connection, "INSERT INTO fleet_offers (offer, slide, state, offered_at) VALUES ($offer, $slide, 'offered', $now)", ("$offer", offerId), ("$slide", slideId), ("$now", Now()));
    });

    /// <summary>Gives the lease to <paramref name="holder"/> if the offer is still open; false when it is not (taken, withdrawn).</summary>
    public bool Lease(string offerId, string holder, DateTimeOffset until) => Change(offerId, "offered", "leased", ("holder", holder), ("lease_until", Time(until)));

    /// <summary>Extends <paramref name="holder"/>'s lease; false when it holds none on this offer any more (expired, taken back).</summary>
    public bool Renew(string offerId, string holder, DateTimeOffset until) => Guarded(() =>
    {
        using var connection = Open();
        return Execute(connection, "UPDATE fleet_offers SET lease_until = $until WHERE offer = $offer AND state = 'leased' AND holder = $holder",
            ("$until", Time(until)), ("$offer", offerId), ("$holder", holder)) == 1;
    });

    /// <summary>
    /// Closes the lease of <paramref name="holder"/> with <paramref name="state"/> (<c>done</c>, <c>failed</c>,
    /// <c>returned</c>); false when it holds none on this offer: a result that comes late or twice is not accepted.
    /// </summary>
    public bool Close(string offerId, string holder, string state, string? reason = null) => Guarded(() =>
    {
        using var connection = Open();
        return Execute(connection, "UPDATE fleet_offers SET state = $state, finished_at = $now, reason = $reason WHERE offer = $offer AND state = 'leased' AND holder = $holder",
            ("$state", state), ("$now", Now()), ("$reason", (object?)reason ?? DBNull.Value), ("$offer", offerId), ("$holder", holder)) == 1;
    });

    /// <summary>
    /// The slide <paramref name="holder"/> holds the lease on through <paramref name="offerId"/>, or null when it holds
    /// none: what a result from that box is about, whatever the message itself says.
    /// </summary>
    public string? LeasedSlide(string offerId, string holder) => Guarded(() =>
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT slide FROM fleet_offers WHERE offer = $offer AND state = 'leased' AND holder = $holder";
        command.Parameters.AddWithValue("$offer", offerId);
        command.Parameters.AddWithValue("$holder", holder);
        return command.ExecuteScalar() as string;
    });

    /// <summary>Withdraws an offer nobody claimed; false when it was claimed meanwhile.</summary>
    public bool Withdraw(string offerId, string reason) => Change(offerId, "offered", "withdrawn", ("reason", reason));

    /// <summary>Leases that ran out before <paramref name="now"/>, each marked <c>expired</c>: (offer, slide, holder).</summary>
    public IReadOnlyList<FleetLease> Expire(DateTimeOffset now) => Guarded(() =>
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        var expired = new List<FleetLease>();
        using (var select = connection.CreateCommand())
        {
            select.Transaction = transaction;
            select.CommandText = "SELECT offer, slide, holder FROM fleet_offers WHERE state = 'leased' AND lease_until < $now";
            select.Parameters.AddWithValue("$now", Time(now));
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                expired.Add(new FleetLease(reader.GetString(0), reader.GetString(1), reader.GetString(2)));
            }
        }

        foreach (var lease in expired)
        {
            Execute(connection, "UPDATE fleet_offers SET state = 'expired', finished_at = $now WHERE offer = $offer", transaction, ("$now", Now()), ("$offer", lease.OfferId));
        }

        transaction.Commit();
        return expired;
    });

    /// <summary>
    /// At start: offers and leases of the run before are void (the journal puts their slides back to pending), so
    /// a result for one that arrives now is not accepted. Returns how many.
    /// </summary>
    public int AbandonOpen() => Guarded(() =>
    {
        using var connection = Open();
        return Execute(connection, "UPDATE fleet_offers SET state = 'abandoned', finished_at = $now WHERE state IN ('offered', 'leased')", ("$now", Now()));
    });

    /// <summary>The box that processed <paramref name="slideId"/> for this one, if another box did.</summary>
    public string? ProcessedBy(string slideId) => Guarded(() =>
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT holder FROM fleet_offers WHERE slide = $slide AND state = 'done' ORDER BY finished_at DESC LIMIT 1";
        command.Parameters.AddWithValue("$slide", slideId);
        return command.ExecuteScalar() as string;
    });

    /// <summary>Offers per state, for the fleet view.</summary>
    public IReadOnlyDictionary<string, int> Counts() => Guarded(() =>
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT state, COUNT(*) FROM fleet_offers GROUP BY state";
        using var reader = command.ExecuteReader();
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        while (reader.Read())
        {
            counts[reader.GetString(0)] = reader.GetInt32(1);
        }

        return counts;
    });

    private bool Change(string offerId, string from, string to, params (string Column, object Value)[] values) => Guarded(() =>
    {
        using var connection = Open();
        var sets = string.Concat(values.Select(v => $", {v.Column} = ${v.Column}"));
        var parameters = values.Select(v => ("$" + v.Column, v.Value)).Append(("$offer", offerId)).Append(("$from", from)).Append(("$to", to)).ToArray();
        return Execute(connection, $"UPDATE fleet_offers SET state = $to{sets} WHERE offer = $offer AND state = $from", parameters) == 1;
    });

    private static string Now() => Time(DateTimeOffset.UtcNow);

    private static string Time(DateTimeOffset at) => at.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    private static int Execute(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters) => JournalDatabase.Execute(connection, null, sql, parameters);

    private static int Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction, params (string Name, object Value)[] parameters) => JournalDatabase.Execute(connection, transaction, sql, parameters);

    private SqliteConnection Open() => database.Open();

    private T Guarded<T>(Func<T> action) => database.Guarded(action);

    private void Guarded(Action action) => database.Guarded(action);
}

/// <summary>A lease on an offered slide.</summary>
/// <param name="OfferId">The offer.</param>
/// <param name="SlideId">The slide's content id.</param>
/// <param name="Holder">The box that held it.</param>
public sealed record FleetLease(string OfferId, string SlideId, string Holder);
