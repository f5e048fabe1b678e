using System.Numerics;
using MathNet.Numerics.LinearAlgebra;
using Numerics.Sketching;

namespace Numerics.Core.Tests.Sketching;

public class SketchOperatorTests
{
    private static Matrix<double> RandomMatrix(int m, int n, int seed) => Matrix<double>.Build.Dense(m, n, TestData.Random(m * n, seed));

    [Theory]
    [InlineData(37, 8)]
    [InlineData(64, 64)]
    [InlineData(300, 20)]
    [InlineData(1, 1)]
    public void Srht_equals_its_definition_entry_by_entry(int n, int m)
    {
        var op = new SketchOperator(SketchKind.Srht, m, n, seed: 11);
        var s = op.ToDense();
        var rows = op.SampledRows;
        var pos = op.Positions;
        Assert.Equal(rows.Length, rows.Distinct().Count());
        Assert.Equal(pos.Length, pos.Distinct().Count());
        Assert.All(pos, p => Assert.InRange(p, 0, op.PaddedRows - 1));
        for (int k = 0; k < m; k++)
            for (int i = 0; i < n; i++)
            {
                int h = (BitOperations.PopCount((uint)(rows[k] & pos[i])) & 1) == 0 ? 1 : -1;
                Assert.Equal(h * op.Sign(i) / Math.Sqrt(m), s[k, i], 1e-15);
            }
    }

    [Theory]
    [InlineData(20000, 64, 5)]      // N = 32768 spans L2 blocks; few samples: pruned sums
    [InlineData(20000, 17000, 1)]   // many samples: the full cross-block transform
    [InlineData(9000, 300, 6)]      // partial panel of columns
    public void Large_srht_agrees_with_the_explicit_formula_on_both_the_pruned_and_the_full_path(int n, int m, int columns)
    {
        var a = RandomMatrix(n, columns, n + m);
        var op = new SketchOperator(SketchKind.Srht, m, n, seed: 31);
        var sa = op.Apply(a);
        var rows = op.SampledRows;
        var pos = op.Positions;
        var signs = Enumerable.Range(0, n).Select(op.Sign).ToArray();
        for (int k = 0; k < m; k += Math.Max(1, m / 200))
            for (int c = 0; c < columns; c++)
            {
                double s = 0;
                for (int i = 0; i < n; i++)
                    s += ((BitOperations.PopCount((uint)(rows[k] & pos[i])) & 1) == 0 ? 1 : -1) * signs[i] * a[i, c];
                Assert.Equal(s / Math.Sqrt(m), sa[k, c], 1e-11);
            }
    }

    [Fact]
    public void Srht_of_a_power_of_two_has_orthogonal_rows_of_norm_sqrt_n_over_m()
    {
        var op = new SketchOperator(SketchKind.Srht, 16, 128, seed: 3);
        var s = op.ToDense();
        var gram = s * s.Transpose();
        Assert.True((gram - Matrix<double>.Build.DenseIdentity(16) * (128.0 / 16)).InfinityNorm() < 1e-12);
    }

    [Fact]
    public void CountSketch_has_one_signed_unit_per_column()
    {
        var op = new SketchOperator(SketchKind.CountSketch, 10, 50, seed: 4);
        var s = op.ToDense();
        for (int i = 0; i < 50; i++)
        {
            var col = s.Column(i);
            Assert.Equal(1, col.Count(v => v != 0));
            Assert.Equal(1.0, col.AbsoluteMaximum());
            Assert.Equal(op.Buckets[i], col.AbsoluteMaximumIndex());
        }
    }

    [Fact]
    public void Gaussian_sketch_entries_have_variance_one_over_m()
    {
        var op = new SketchOperator(SketchKind.Gaussian, 64, 500, seed: 5);
        var s = op.ToDense();
        double mean = s.Enumerate().Average(), var = s.Enumerate().Select(v => v * v).Average();
        Assert.InRange(mean, -0.004, 0.004);          // sd of the mean: 1/(8·√32000) ≈ 7e-4
        Assert.InRange(var * 64, 0.97, 1.03);
    }

    [Theory]
    [InlineData(SketchKind.Srht)]
    [InlineData(SketchKind.Gaussian)]
    [InlineData(SketchKind.CountSketch)]
    public void Apply_equals_the_dense_sketch_times_the_matrix(SketchKind kind)
    {
        var a = RandomMatrix(200, 7, 8);
        var op = new SketchOperator(kind, 40, 200, seed: 9);
        var expected = op.ToDense() * a;
        Assert.True((op.Apply(a) - expected).InfinityNorm() < 1e-12);
        var x = a.Column(2);
        Assert.True((op.Apply(x) - expected.Column(2)).InfinityNorm() < 1e-12);
    }

    [Theory]
    [InlineData(SketchKind.Srht, true)]
    [InlineData(SketchKind.CountSketch, true)]
    [InlineData(SketchKind.Gaussian, false)]
    public void Row_blocks_in_any_split_give_the_whole_sketch(SketchKind kind, bool bitIdentical)
    {
        int n = 1000, d = 6;
        var a = RandomMatrix(n, d, 10);
        var op = new SketchOperator(kind, 48, n, seed: 12);
        var whole = op.Apply(a);
        using var blocks = op.CreateAccumulator(d);
        foreach (var (start, count) in new[] { (0, 333), (333, 1), (334, 600), (934, 66) })
            blocks.Add(start, a.SubMatrix(start, count, 0, d));
        var split = blocks.ToMatrix();
        if (bitIdentical) Assert.Equal(whole.ToColumnMajorArray(), split.ToColumnMajorArray());
        else Assert.True((whole - split).InfinityNorm() < 1e-12);
    }

    [Theory]
    [InlineData(SketchKind.Srht)]
    [InlineData(SketchKind.CountSketch)]
    [InlineData(SketchKind.Gaussian)]
    public void Merged_and_summed_partial_sketches_equal_the_whole(SketchKind kind)
    {
        int n = 777, d = 5;
        var a = RandomMatrix(n, d, 13);
        var op = new SketchOperator(kind, 30, n, seed: 14);
        var whole = op.Apply(a);
        using var top = op.CreateAccumulator(d);
        using var bottom = op.CreateAccumulator(d);
        using var bottomCopy = op.CreateAccumulator(d);
        top.Add(0, a.SubMatrix(0, 400, 0, d));
        bottom.Add(400, a.SubMatrix(400, n - 400, 0, d));
        bottomCopy.Add(400, a.SubMatrix(400, n - 400, 0, d));
        var summed = Matrix<double>.Build.Dense(30, d, bottomCopy.Complete()) + Matrix<double>.Build.Dense(30, d, (double[])top.Complete().Clone());
        Assert.True((whole - summed).InfinityNorm() < 1e-12);
        // Merge: exact for SRHT (disjoint rows meet zeros).
        using var top2 = op.CreateAccumulator(d);
        top2.Add(0, a.SubMatrix(0, 400, 0, d));
        top2.Merge(bottom);
        var merged = top2.ToMatrix();
        if (kind == SketchKind.Srht) Assert.Equal(whole.ToColumnMajorArray(), merged.ToColumnMajorArray());
        else Assert.True((whole - merged).InfinityNorm() < 1e-12);
    }

    [Theory]
    [InlineData(SketchKind.Srht)]
    [InlineData(SketchKind.Gaussian)]
    [InlineData(SketchKind.CountSketch)]
    public async Task Sketch_is_reproducible_per_seed_and_independent_of_the_thread_count(SketchKind kind)
    {
        var a = RandomMatrix(5000, 9, 15);
        var op = new SketchOperator(kind, 64, 5000, seed: 16);
        var reference = op.Apply(a).ToColumnMajorArray();
        foreach (int threads in new[] { 1, 3 })
        {
            var scheduler = new ConcurrentExclusiveSchedulerPair(TaskScheduler.Default, threads).ConcurrentScheduler;
            var result = await Task.Factory.StartNew(() => new SketchOperator(kind, 64, 5000, seed: 16).Apply(a).ToColumnMajorArray(),
                CancellationToken.None, TaskCreationOptions.None, scheduler);
            Assert.Equal(reference, result);
        }
        var other = new SketchOperator(kind, 64, 5000, seed: 17).Apply(a).ToColumnMajorArray();
        Assert.NotEqual(reference, other);
    }

    [Theory]
    [InlineData(1, 64, true)]       // one panel (A and b share it): rows split over threads, pruned cross-block sums
    [InlineData(3, 30000, true)]    // one panel, m large enough for the full cross-block transform
    [InlineData(6, 500, true)]      // two panels
    [InlineData(6, 500, false)]     // the same panels in parallel
    [InlineData(13, 30000, false)]
    public async Task Srht_schedules_equal_the_accumulator_bit_for_bit(int d, int m, bool rowSplit)
    {
        // n > 8192 so that the transform has cross-block stages; N = 65536.
        const int n = 40000;
        var a = RandomMatrix(n, d, 31);
        var b = RandomMatrix(n, 1, 32);
        var op = new SketchOperator(SketchKind.Srht, m, n, seed: 33);
        using var acc = op.CreateAccumulator(d + 1);
        acc.Add(0, a);
        acc.Add(0, b, columnOffset: d);
        var reference = acc.Complete();
        foreach (int threads in new[] { 1, 3 })
        {
            var scheduler = new ConcurrentExclusiveSchedulerPair(TaskScheduler.Default, threads).ConcurrentScheduler;
            var result = await Task.Factory.StartNew(() =>
            {
                SrhtTransform.ForcedSchedule.Value = rowSplit;
                return op.ApplyAugmented(a.ToColumnMajorArray(), d, b.ToColumnMajorArray());
            }, CancellationToken.None, TaskCreationOptions.None, scheduler);
            Assert.Equal(reference, result);
        }
    }

    [Theory]
    [InlineData(SketchKind.Srht, 3000, 64, 9)]      // parallel panels
    [InlineData(SketchKind.Srht, 5000, 200, 2)]     // one panel, rows split over threads
    [InlineData(SketchKind.Gaussian, 700, 40, 5)]
    [InlineData(SketchKind.CountSketch, 700, 40, 5)]
    public void Sketching_into_a_callers_buffer_gives_the_bits_of_the_allocating_apply(SketchKind kind, int n, int m, int columns)
    {
        var a = RandomMatrix(n, columns, n + columns);
        var op = new SketchOperator(kind, m, n, seed: 21);
        var expected = op.Apply(a).ToColumnMajorArray();
        // A dirty, larger buffer: every value of S·A must be written, the rest left alone.
        var destination = Enumerable.Repeat(double.NaN, m * columns + 3).ToArray();
        op.Apply(a.ToColumnMajorArray(), columns, destination);
        Assert.Equal(expected, destination[..(m * columns)]);
        Assert.All(destination[(m * columns)..], v => Assert.True(double.IsNaN(v)));
    }

    [Theory]
    [InlineData(SketchKind.Srht)]
    [InlineData(SketchKind.Gaussian)]
    [InlineData(SketchKind.CountSketch)]
    public void A_non_finite_entry_spoils_only_its_own_column_of_the_sketch_into_a_buffer(SketchKind kind)
    {
        int n = 900, m = 30, columns = 5;
        var values = RandomMatrix(n, columns, 4).ToColumnMajorArray();
        values[2 * n + 17] = double.PositiveInfinity;
        var destination = new double[m * columns];
        new SketchOperator(kind, m, n, seed: 2).Apply(values, columns, destination);
        for (int j = 0; j < columns; j++)
        {
            var column = destination.AsSpan(j * m, m).ToArray();
            if (j == 2) Assert.Contains(column, v => !double.IsFinite(v));
            else Assert.All(column, v => Assert.True(double.IsFinite(v)));
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Srht_of_integer_data_equals_the_definition_bit_for_bit_for_every_panel_remainder(bool narrow)
    {
        // Integer entries make every sum exact, so the library's S·A must equal fl(1/√m)·Σ h·σ·a
        // exactly; n mod 8 ≠ 0 leaves rows after the 8×8 and 4×4 transposes, and 1..17 columns
        // leave every lane count in the last panel (with and without b sharing it).
        SrhtTransform.ForceNarrowPanels.Value = narrow;
        try
        {
        foreach (int n in new[] { 13, 29, 70 })
        {
            int m = 9;
            var op = new SketchOperator(SketchKind.Srht, m, n, seed: 5);
            var rows = op.SampledRows;
            var pos = op.Positions;
            double scale = 1.0 / Math.Sqrt(m);
            for (int columns = 1; columns <= 17; columns++)
            {
                var a = Enumerable.Range(0, n * columns).Select(i => (double)((i * 7919 % 23) - 11)).ToArray();
                var b = Enumerable.Range(0, n).Select(i => (double)((i * 31 % 17) - 8)).ToArray();
                var sab = op.ApplyAugmented(a, columns, b);
                for (int c = 0; c <= columns; c++)
                    for (int k = 0; k < m; k++)
                    {
                        long sum = 0;
                        for (int i = 0; i < n; i++)
                        {
                            int h = (BitOperations.PopCount((uint)(rows[k] & pos[i])) & 1) == 0 ? 1 : -1;
                            double v = c < columns ? a[c * n + i] : b[i];
                            sum += h * (long)op.Sign(i) * (long)v;
                        }
                        Assert.Equal(scale * sum, sab[c * m + k]);
                    }
            }
        }
        }
        finally { SrhtTransform.ForceNarrowPanels.Value = false; }
    }

    [Theory]
    [InlineData(SketchKind.Srht)]
    [InlineData(SketchKind.Gaussian)]
    [InlineData(SketchKind.CountSketch)]
    public void An_accumulator_adds_a_block_given_twice_for_every_kind(SketchKind kind)
    {
        int n = 300, m = 16, columns = 6;
        var x = RandomMatrix(n, columns, 17);
        var op = new SketchOperator(kind, m, n, seed: 4);
        var once = op.Apply(x);
        using var acc = op.CreateAccumulator(columns);
        acc.Add(0, x);
        acc.Add(0, x.SubMatrix(0, 120, 0, columns));
        var expected = once + op.Apply(Matrix<double>.Build.Dense(n, columns, (i, j) => i < 120 ? x[i, j] : 0));
        Assert.True((acc.ToMatrix() - expected).InfinityNorm() <= 1e-12 * expected.InfinityNorm());
    }

    [Theory]
    [InlineData(SketchKind.Srht)]
    [InlineData(SketchKind.Gaussian)]
    [InlineData(SketchKind.CountSketch)]
    public void Entries_that_could_overflow_the_sketch_are_refused_and_those_below_the_limit_stay_finite(SketchKind kind)
    {
        int n = 64, m = 64, columns = 9;
        var op = new SketchOperator(kind, m, n, seed: 1);
        var big = Matrix<double>.Build.Dense(n, columns, (i, j) => ((i + j) % 2 == 0 ? 1 : -1) * 1e307);
        Assert.Throws<ArgumentException>("a", () => op.Apply(big));
        using (var acc = op.CreateAccumulator(columns))
            Assert.Throws<ArgumentException>("block", () => acc.Add(0, big));
        var limit = Matrix<double>.Build.Dense(n, columns, (i, j) => ((i * 3 + j) % 5 < 2 ? 1 : -1) * op.MaxSafeMagnitude);
        Assert.All(op.Apply(limit).ToColumnMajorArray(), v => Assert.True(double.IsFinite(v)));
    }

    [Fact]
    public void The_public_backend_rejects_augmented_shapes_that_do_not_match_the_sketch()
    {
        var op = new SketchOperator(SketchKind.Srht, 4, 10, 0);
        var cpu = CpuSketchBackend.Instance;
        Assert.Throws<ArgumentException>("a", () => cpu.SketchAugmented(op, new double[20], 3, []));
        Assert.Throws<ArgumentException>("b", () => cpu.SketchAugmented(op, new double[20], 2, new double[3]));
        Assert.Throws<ArgumentException>("columns", () => cpu.SketchAugmented(op, new double[20], -1, []));
        Assert.Throws<ArgumentException>("columns", () => cpu.SketchAugmented(op, ReadOnlySpan<double>.Empty, 0, []));
        Assert.Throws<ArgumentException>("a", () => cpu.SketchAugmented(op, new float[19], 2, []));
        Assert.Equal(12, cpu.SketchAugmented(op, new double[20], 2, new double[10]).Length);
    }

    [Fact]
    public void Sketching_into_a_buffer_rejects_mismatched_sizes_and_overlap()
    {
        var op = new SketchOperator(SketchKind.Srht, 4, 10, 0);
        var a = new double[20];
        Assert.Throws<ArgumentException>("columns", () => op.Apply(a, 0, new double[8]));
        Assert.Throws<ArgumentException>("a", () => op.Apply(a.AsSpan(0, 19), 2, new double[8]));
        Assert.Throws<ArgumentException>("destination", () => op.Apply(a, 2, new double[7]));
        var shared = new double[28];
        Assert.Throws<ArgumentException>("destination", () => op.Apply(shared.AsSpan(0, 20), 2, shared.AsSpan(12, 8)));
    }

    [Fact]
    public void Bad_arguments_are_rejected_with_the_parameter_named()
    {
        Assert.Throws<ArgumentException>("rows", () => new SketchOperator(SketchKind.Srht, 0, 10, 0));
        Assert.Throws<ArgumentException>("rows", () => new SketchOperator(SketchKind.Srht, 17, 10, 0)); // N = 16
        Assert.Throws<ArgumentException>("inputRows", () => new SketchOperator(SketchKind.Gaussian, 4, 0, 0));
        Assert.Throws<ArgumentException>("kind", () => new SketchOperator((SketchKind)9, 4, 10, 0));
        var op = new SketchOperator(SketchKind.Srht, 4, 10, 0);
        Assert.Throws<ArgumentException>("a", () => op.Apply(RandomMatrix(9, 2, 1)));
        using var acc = op.CreateAccumulator(2);
        Assert.Throws<ArgumentException>("rowOffset", () => acc.Add(8, RandomMatrix(3, 2, 1)));
        Assert.Throws<ArgumentException>("columnOffset", () => acc.Add(0, RandomMatrix(3, 2, 1), columnOffset: 1));
        var bad = RandomMatrix(3, 2, 1);
        bad[1, 1] = double.NaN;
        Assert.Throws<ArgumentException>("block", () => acc.Add(0, bad));
        Assert.Throws<ArgumentException>("other", () => acc.Merge(new SketchOperator(SketchKind.Srht, 4, 10, 1).CreateAccumulator(2)));
        acc.Complete();
        Assert.Throws<InvalidOperationException>(() => acc.Complete());
    }
}
