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
