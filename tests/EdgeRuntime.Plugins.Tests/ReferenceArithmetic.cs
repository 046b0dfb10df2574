namespace EdgeRuntime.Plugins.Tests;

/// <summary>
/// The zero-shot arithmetic written out for the tests' own references (unit vectors, dot products, softmax), so
/// that expected values never come from the task kit under test.
/// </summary>
internal static class ReferenceArithmetic
{
    public static double[] Unit(double[] v)
    {
        var norm = Math.Sqrt(v.Sum(x => x * x));
        return v.Select(x => x / norm).ToArray();
    }

    public static double Dot(double[] x, double[] y) => x.Zip(y, (p, q) => p * q).Sum();

    public static double[] Softmax(double[] v)
    {
        var max = v.Max();
        var e = v.Select(x => Math.Exp(x - max)).ToArray();
        var sum = e.Sum();
        return e.Select(x => x / sum).ToArray();
    }
}
