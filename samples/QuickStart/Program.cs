using MathNet.Numerics.LinearAlgebra;
using Numerics.LinearAlgebra;
using Numerics.Random;

var rng = new CounterRng(42);
var values = new double[300 * 20];
rng.FillNormal(values);                                   // same bits on any thread count
var a = Matrix<double>.Build.Dense(300, 20, values);
var b = Vector<double>.Build.Dense(300, i => i % 7);

var x = Lapack.LeastSquares(a, b);                        // Householder QR (dgels)
var xSvd = DenseBaselines.LeastSquaresSvd(a, b);          // the SVD oracle
Console.WriteLine($"{Blas.Backend}: ‖x − x_svd‖ = {(x - xSvd).L2Norm():E2}");

// Sketched: SRHT sketch-and-solve with a rigorous ℓ∞ bound (asked for), or Blendenpik to QR accuracy.
var fast = Numerics.Sketching.SketchedLeastSquares.Solve(a, b, new() { Rows = 80, Certificate = true });
var full = Numerics.Sketching.SketchedLeastSquares.Solve(a, b, new() { Method = Numerics.Sketching.LeastSquaresMethod.SketchAndPrecondition });
Console.WriteLine($"sketch: max |x − x*| ≤ {fast.LinfBound!.Max():E2}; precondition: {full.Iterations} LSQR iterations, ‖x − x_qr‖ = {(full.X - x).L2Norm():E2}");

// Spectral: soft-clip the singular values of a matrix at c = 2 with GEMMs only, checked against the SVD.
var clipped = Numerics.Spectral.SpectralClip.Apply(Numerics.Spectral.SpectralMode.Soft, a, 2.0);
var oracle = Numerics.Spectral.SpectralClip.Apply(Numerics.Spectral.SpectralMode.Soft, a, 2.0, new() { Method = Numerics.Spectral.SpectralMethod.Svd });
Console.WriteLine($"soft clip: {clipped.Steps} Newton–Schulz steps, ‖H − H_svd‖ = {(clipped.Value - oracle.Value).FrobeniusNorm():E2}, ‖H‖₂ ≤ {clipped.MaxSingularValueBound:F3} ({clipped.Status})");
