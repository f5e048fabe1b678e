using MathNet.Numerics.LinearAlgebra;
using Numerics.Arithmetic;
using Numerics.LinearAlgebra;

namespace Numerics.Bilevel;

/// <summary>
/// Multinomial logistic regression with one learned regularisation weight per feature: the lower
/// level h(W, θ) = (1/m) Σᵢ CE(aᵢᵀW, yᵢ) + ½ Σⱼ e^{θⱼ}‖W_{j,:}‖² fits the training set, the upper
/// level g(W) = (1/m_v) Σᵢ CE(a_{v,i}ᵀW, y_{v,i}) is the validation cross-entropy, θ ∈ ℝᵖ.
/// </summary>
/// <remarks>
/// <para>
/// W is p × C (features × classes), stored column-major in the lower-level vector (entry (j, c) at
/// j + c·p). With P = softmax(AW) row-wise and Y the one-hot labels: ∇_W h = Aᵀ(P − Y)/m + ΛW;
/// the Hessian applied to V is Aᵀ[P ⊙ Z − P ⊙ (rowsum(P ⊙ Z))]/m + ΛV with Z = AV; B has column j
/// equal to λⱼ W_{j,:} in row j, so (Bᵀv)ⱼ = λⱼ⟨W_{j,:}, V_{j,:}⟩.
/// </para>
/// <para>
/// Certified constants: μ = min λⱼ (the cross-entropy is convex; the reference code's μ = L − 1e-3
/// is not a strong-convexity bound); L = ‖A‖₂²/(2m) + max λⱼ (each softmax Hessian has norm ≤ ½);
/// ‖B‖ = maxⱼ λⱼ‖W_{j,:}‖ (its columns have disjoint supports); L_B = max λⱼ;
/// L_A = (6/m) Σᵢ‖aᵢ‖³ (the derivative of diag(p) − ppᵀ along w has norm ≤ 6‖w‖∞);
/// L_g = ‖A_v‖₂²/(2m_v).
/// </para>
/// </remarks>
public sealed class MultinomialLogisticProblem : IBilevelProblem<double[]>, IProvenConstants
{
    private readonly double[] _a, _av;
    private readonly int _m, _mv, _p;
    private readonly int[] _y, _yv;
    private readonly int _classes;
    private readonly double _trainCurvature, _hessianLipschitz;

    /// <summary>A problem on training features/labels and validation features/labels (rows are samples; labels in 0..classes−1).</summary>
    /// <exception cref="ArgumentException">Shapes disagree, a set is empty, a feature is NaN/∞, or a label is out of range.</exception>
    public MultinomialLogisticProblem(Matrix<double> features, IReadOnlyList<int> labels, Matrix<double> validationFeatures, IReadOnlyList<int> validationLabels, int classes)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(validationFeatures);
        ArgumentNullException.ThrowIfNull(validationLabels);
        if (classes < 2) throw new ArgumentOutOfRangeException(nameof(classes), classes, "At least two classes are needed.");
        if (features.RowCount == 0 || features.ColumnCount == 0) throw new ArgumentException("features is empty.", nameof(features));
        if (validationFeatures.RowCount == 0) throw new ArgumentException("validationFeatures is empty.", nameof(validationFeatures));
        if (validationFeatures.ColumnCount != features.ColumnCount)
            throw new ArgumentException($"validationFeatures has {validationFeatures.ColumnCount} columns; features has {features.ColumnCount}.", nameof(validationFeatures));
        RequireLabels(labels, features.RowCount, classes, nameof(labels));
        RequireLabels(validationLabels, validationFeatures.RowCount, classes, nameof(validationLabels));
        if (!features.ForAll(double.IsFinite)) throw new ArgumentException("features contains a non-finite value.", nameof(features));
        if (!validationFeatures.ForAll(double.IsFinite)) throw new ArgumentException("validationFeatures contains a non-finite value.", nameof(validationFeatures));
        (_m, _mv, _p) = (features.RowCount, validationFeatures.RowCount, features.ColumnCount);
        _a = features.ToColumnMajorArray();
        _av = validationFeatures.ToColumnMajorArray();
        _y = [.. labels];
        _yv = [.. validationLabels];
        _classes = classes;
        _trainCurvature = SingularValueRange.Squared(features).Max / (2.0 * _m);
        UpperSmoothness = SingularValueRange.Squared(validationFeatures).Max / (2.0 * _mv);
        _hessianLipschitz = 6.0 / _m * features.EnumerateRows().Sum(r => Math.Pow(r.L2Norm(), 3));
    }

    /// <inheritdoc />
    public int ParameterCount => _p;

    /// <inheritdoc />
    public int LowerDimension => _p * _classes;

    /// <inheritdoc />
    public double UpperSmoothness { get; }

    /// <inheritdoc />
    public bool ConstantsCertified => true;

    /// <inheritdoc />
    public void StartingPoint(ReadOnlySpan<double> theta, double[] x) => Array.Clear(x);

    /// <inheritdoc />
    public double UpperLoss(double[] x, double[] gradient) => CrossEntropy(_av, _mv, _yv, x, gradient);

    /// <inheritdoc />
    public double LowerObjective(ReadOnlySpan<double> theta, double[] x, double[] gradient)
    {
        double value = CrossEntropy(_a, _m, _y, x, gradient);
        int p = ParameterCount;
        for (int j = 0; j < p; j++)
        {
            double lambda = Math.Exp(theta[j]), row = 0;
            for (int c = 0; c < _classes; c++)
            {
                double v = x[j + c * p];
                row += v * v;
                gradient[j + c * p] += lambda * v;
            }
            value += 0.5 * lambda * row;
        }
        return value;
    }

    /// <inheritdoc />
    public void LowerHessianProduct(ReadOnlySpan<double> theta, double[] x, double[] v, double[] result)
    {
        var probabilities = Scores(_a, _m, x);
        for (int i = 0; i < _m; i++) SoftmaxRow(probabilities, _m, i);
        var z = Scores(_a, _m, v);
        for (int i = 0; i < _m; i++)
        {
            double mean = 0;
            for (int c = 0; c < _classes; c++) mean += probabilities[i + c * _m] * z[i + c * _m];
            for (int c = 0; c < _classes; c++) z[i + c * _m] = probabilities[i + c * _m] * (z[i + c * _m] - mean) / _m;
        }
        Transposed(_a, _m, z, result);
        int p = ParameterCount;
        for (int j = 0; j < p; j++)
        {
            double lambda = Math.Exp(theta[j]);
            for (int c = 0; c < _classes; c++) result[j + c * p] += lambda * v[j + c * p];
        }
    }

    /// <inheritdoc />
    public void MixedProductTranspose(ReadOnlySpan<double> theta, double[] x, double[] v, Span<double> result)
    {
        int p = ParameterCount;
        for (int j = 0; j < p; j++)
        {
            double s = 0;
            for (int c = 0; c < _classes; c++) s += x[j + c * p] * v[j + c * p];
            result[j] = Math.Exp(theta[j]) * s;
        }
    }

    /// <inheritdoc />
    public LowerLevelConstants Constants(ReadOnlySpan<double> theta, double[] x)
    {
        int p = ParameterCount;
        double min = double.PositiveInfinity, max = 0, mixed = 0;
        for (int j = 0; j < p; j++)
        {
            double lambda = Math.Exp(theta[j]), row = 0;
            for (int c = 0; c < _classes; c++) row += x[j + c * p] * x[j + c * p];
            min = Math.Min(min, lambda);
            max = Math.Max(max, lambda);
            mixed = Math.Max(mixed, lambda * Math.Sqrt(row));
        }
        return new LowerLevelConstants(min, _trainCurvature + max, mixed, _hessianLipschitz, max);
    }

    /// <summary>features·W (rows × C, column-major) by the library's GEMM.</summary>
    private double[] Scores(double[] features, int rows, double[] w)
    {
        var z = new double[rows * _classes];
        SpanArithmetic.Gemm<double>(LinearAlgebraBackend.Current, Transpose.NoTranspose, Transpose.NoTranspose, rows, _classes, _p, 1.0, features, rows, w, _p, 0.0, z, rows);
        return z;
    }

    /// <summary>result (p × C) ← featuresᵀ·z.</summary>
    private void Transposed(double[] features, int rows, double[] z, double[] result) =>
        SpanArithmetic.Gemm<double>(LinearAlgebraBackend.Current, Transpose.Transpose, Transpose.NoTranspose, _p, _classes, rows, 1.0, features, rows, z, rows, 0.0, result, _p);

    /// <summary>Row i of z (rows × C, column-major) ← its softmax; returns its log-sum-exp (shifted by the maximum so that exp cannot overflow).</summary>
    private double SoftmaxRow(double[] z, int rows, int i)
    {
        double top = double.NegativeInfinity, sum = 0;
        for (int c = 0; c < _classes; c++) top = Math.Max(top, z[i + c * rows]);
        for (int c = 0; c < _classes; c++) sum += z[i + c * rows] = Math.Exp(z[i + c * rows] - top);
        for (int c = 0; c < _classes; c++) z[i + c * rows] /= sum;
        return Math.Log(sum) + top;
    }

    /// <summary>The mean cross-entropy of (features·W, labels); writes its gradient in W into <paramref name="gradient"/>.</summary>
    private double CrossEntropy(double[] features, int rows, int[] labels, double[] w, double[] gradient)
    {
        var z = Scores(features, rows, w);
        double loss = 0;
        for (int i = 0; i < rows; i++)
        {
            // −log softmax_y = logsumexp(z) − z_y, before z's row becomes the probabilities.
            double zy = z[i + labels[i] * rows];
            loss += SoftmaxRow(z, rows, i) - zy;
            z[i + labels[i] * rows] -= 1;
            for (int c = 0; c < _classes; c++) z[i + c * rows] /= rows;
        }
        Transposed(features, rows, z, gradient);
        return loss / rows;
    }

    private static void RequireLabels(IReadOnlyList<int> labels, int rows, int classes, string paramName)
    {
        if (labels.Count != rows) throw new ArgumentException($"{paramName} has {labels.Count} entries; the features have {rows} rows.", paramName);
        foreach (int l in labels)
            if (l < 0 || l >= classes) throw new ArgumentException($"{paramName} contains {l}, outside 0..{classes - 1}.", paramName);
    }
}
