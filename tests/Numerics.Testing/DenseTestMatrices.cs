using MathNet.Numerics.LinearAlgebra;

namespace Numerics.Testing;

/// <summary>Seeded test matrices and plain host kernels that share no code with the library.</summary>
public static class DenseTestMatrices
{
    /// <summary>Uniform values in [−1, 1) from <paramref name="seed"/>.</summary>
    public static double[] RandomVector(int length, int seed)
    {
        var rng = new System.Random(seed);
        var v = new double[length];
        for (int i = 0; i < v.Length; i++) v[i] = 2 * rng.NextDouble() - 1;
        return v;
    }

    /// <summary>A random orthogonal n×n matrix: the Q of a QR factorisation of a random matrix (MathNet).</summary>
    public static Matrix<double> Orthogonal(int n, int seed) =>
        Matrix<double>.Build.Dense(n, n, RandomVector(n * n, seed)).QR().Q;

    /// <summary>Q·diag(λ)·Qᵀ for a random orthogonal Q, symmetrised exactly.</summary>
    public static Matrix<double> WithSpectrum(double[] eigenvalues, int seed)
    {
        int n = eigenvalues.Length;
        var q = Orthogonal(n, seed);
        var a = q * Matrix<double>.Build.DenseOfDiagonalArray(eigenvalues) * q.Transpose();
        return (a + a.Transpose()) / 2;
    }

    /// <summary>n values from <paramref name="low"/> to <paramref name="high"/>, evenly spaced in log scale.</summary>
    public static double[] LogSpaced(int n, double low, double high)
    {
        var v = new double[n];
        for (int i = 0; i < n; i++) v[i] = low * Math.Pow(high / low, n == 1 ? 0 : (double)i / (n - 1));
        return v;
    }

    /// <summary>y ← A·x with a plain double loop over the column-major values of A.</summary>
    public static void Multiply(Matrix<double> a, double[] x, double[] y)
    {
        var values = a.AsColumnMajorArray() ?? a.ToColumnMajorArray();
        int m = a.RowCount;
        Array.Clear(y);
        for (int j = 0; j < a.ColumnCount; j++)
        {
            double xj = x[j];
            for (int i = 0; i < m; i++) y[i] += values[i + j * m] * xj;
        }
    }

    /// <summary>‖b − A·x‖₂ on the host.</summary>
    public static double ResidualNorm(Matrix<double> a, double[] x, double[] b)
    {
        var ax = new double[a.RowCount];
        Multiply(a, x, ax);
        double s = 0;
        for (int i = 0; i < ax.Length; i++) s += (b[i] - ax[i]) * (b[i] - ax[i]);
        return Math.Sqrt(s);
    }

    /// <summary>‖x‖₂.</summary>
    public static double Norm(double[] x) => Math.Sqrt(x.Sum(v => v * v));

    /// <summary>‖x − y‖₂.</summary>
    public static double Distance(double[] x, double[] y) => Math.Sqrt(x.Zip(y, (a, b) => (a - b) * (a - b)).Sum());
}
