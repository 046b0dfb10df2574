using System.Globalization;

namespace EdgeRuntime.Journal.Sqlite;

/// <summary>The journal's figures, counted in SQL over the <c>slides</c> table.</summary>
internal sealed class SqliteJournalStatistics(JournalDatabase database) : IJournalStatistics
{
    public IReadOnlyDictionary<SlideState, int> Counts() => CountByState("SELECT state, COUNT(*) FROM slides GROUP BY state", null);

    public IReadOnlyDictionary<SlideState, int> CountsFinishedSince(DateTimeOffset since) =>
        CountByState("SELECT state, COUNT(*) FROM slides WHERE finished_at >= $since GROUP BY state", since.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));

    public long Retries() => database.Guarded(() =>
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(SUM(attempts - 1), 0) FROM slides WHERE attempts > 1";
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    });

    // Every state is present, zero when no slide is in it, so a reader never tells "none" from "unknown".
    private Dictionary<SlideState, int> CountByState(string sql, string? since) => database.Guarded(() =>
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        if (since is not null)
        {
            command.Parameters.AddWithValue("$since", since);
        }

        using var reader = command.ExecuteReader();
        var result = Enum.GetValues<SlideState>().ToDictionary(s => s, _ => 0);
        while (reader.Read())
        {
            result[Enum.Parse<SlideState>(reader.GetString(0))] = reader.GetInt32(1);
        }

        return result;
    });
}
