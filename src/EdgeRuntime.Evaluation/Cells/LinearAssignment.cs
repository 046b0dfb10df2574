namespace EdgeRuntime.Evaluation.Cells;

/// <summary>
/// The minimum-cost one-to-one assignment of a rectangular cost matrix (the Hungarian method with potentials,
/// O(n²m)): what scipy's <c>linear_sum_assignment</c> solves, so that pairings follow HoVer-Net's published code.
/// </summary>
internal static class LinearAssignment
{
    /// <summary>
    /// The pairs (row, column) of an optimal assignment of <paramref name="cost"/> (rows × columns): min(rows, columns)
    /// pairs, ordered by row.
    /// </summary>
    public static List<(int Row, int Column)> Solve(double[,] cost)
    {
        int rows = cost.GetLength(0), columns = cost.GetLength(1);
        if (rows == 0 || columns == 0)
        {
            return [];
        }

        if (rows > columns)
        {
            var transposed = new double[columns, rows];
            for (var r = 0; r < rows; r++)
            {
                for (var c = 0; c < columns; c++)
                {
                    transposed[c, r] = cost[r, c];
                }
            }

            return Solve(transposed).Select(p => (p.Column, p.Row)).OrderBy(p => p.Item1).ToList();
        }

        // Rows n ≤ columns m; 1-based with a dummy column 0, the potentials u (rows) and v (columns).
        int n = rows, m = columns;
        var u = new double[n + 1];
        var v = new double[m + 1];
        var rowOfColumn = new int[m + 1];
        var way = new int[m + 1];
        for (var i = 1; i <= n; i++)
        {
            rowOfColumn[0] = i;
            var j0 = 0;
            var minimum = new double[m + 1];
            var used = new bool[m + 1];
            Array.Fill(minimum, double.PositiveInfinity);
            do
            {
                used[j0] = true;
                int i0 = rowOfColumn[j0], j1 = 0;
                var delta = double.PositiveInfinity;
                for (var j = 1; j <= m; j++)
                {
                    if (used[j])
                    {
                        continue;
                    }

                    var reduced = cost[i0 - 1, j - 1] - u[i0] - v[j];
                    if (reduced < minimum[j])
                    {
                        minimum[j] = reduced;
                        way[j] = j0;
                    }

                    if (minimum[j] < delta)
                    {
                        delta = minimum[j];
                        j1 = j;
                    }
                }

                for (var j = 0; j <= m; j++)
                {
                    if (used[j])
                    {
                        u[rowOfColumn[j]] += delta;
                        v[j] -= delta;
                    }
                    else
                    {
                        minimum[j] -= delta;
                    }
                }

                j0 = j1;
            }
            while (rowOfColumn[j0] != 0);

            do
            {
                var j1 = way[j0];
                rowOfColumn[j0] = rowOfColumn[j1];
                j0 = j1;
            }
            while (j0 != 0);
        }

        var pairs = new List<(int, int)>(n);
        for (var j = 1; j <= m; j++)
        {
            if (rowOfColumn[j] != 0)
            {
                pairs.Add((rowOfColumn[j] - 1, j - 1));
            }
        }

        return pairs.OrderBy(p => p.Item1).ToList();
    }
}
