using MathNet.Numerics.LinearAlgebra;
using Numerics.LinearAlgebra;
using Numerics.Spectral;
using static Numerics.Core.Tests.Spectral.SpectralOptimizerTests;

namespace Numerics.Core.Tests.Spectral;

/// <summary>Validation, atomic steps, the convergence guard, and saving and restoring the state.</summary>
public class SpectralOptimizerStateTests
{
    private static SpectraClipping Full => new() { PostClip = 0.5, PreClip = 0.3 };

    private static Dictionary<string, Matrix<double>> Model() => new()
    {
        ["a"] = RandomMatrix(5, 3, 1), ["b"] = RandomMatrix(3, 1, 2), ["c"] = RandomMatrix(1, 4, 3), ["d"] = RandomMatrix(4, 4, 4),
    };

    private static Dictionary<string, Matrix<double>> Gradients(Dictionary<string, Matrix<double>> p, int step) =>
        p.ToDictionary(kv => kv.Key, kv => RandomMatrix(kv.Value.RowCount, kv.Value.ColumnCount, 1000 * step + kv.Key[0], 3));

    private static SpectralOptimizer Create(string name) => SpectralOptimizerTests.Create(name, 0.05, 0.1, Full, warmup: 4);

    private static byte[] Saved(SpectralOptimizer opt)
    {
        using var stream = new MemoryStream();
        opt.Save(stream);
        return stream.ToArray();
    }

    private static void AssertSameWeights(Dictionary<string, Matrix<double>> expected, Dictionary<string, Matrix<double>> actual)
    {
        foreach (var name in expected.Keys) Assert.Equal(expected[name].ToColumnMajorArray(), actual[name].ToColumnMajorArray());
    }

    [Theory, MemberData(nameof(Optimizers), MemberType = typeof(SpectralOptimizerTests))]
    public void Saving_after_k_steps_and_resuming_in_a_new_optimizer_gives_the_same_bits(string name)
    {
        const int n = 9, k = 4;
        var straight = Create(name);
        var p = Model();
        for (int t = 1; t <= n; t++) straight.Step(p, Gradients(p, t));

        var first = Create(name);
        var q = Model();
        for (int t = 1; t <= k; t++) first.Step(q, Gradients(q, t));
        var bytes = Saved(first);
        var resumed = Create(name);
        resumed.Load(new MemoryStream(bytes));
        Assert.Equal(k, resumed.StepCount);
        Assert.Equal(bytes, Saved(resumed));
        for (int t = k + 1; t <= n; t++) resumed.Step(q, Gradients(q, t));

        AssertSameWeights(p, q);
        Assert.Equal(Saved(straight), Saved(resumed));
    }

    [Fact]
    public void The_state_format_has_the_documented_header()
    {
        var opt = new Signum(new SignumOptions { Spectra = null });
        var p = new Dictionary<string, Matrix<double>> { ["w"] = RandomMatrix(2, 3, 5) };
        opt.Step(p, Gradients(p, 1));
        var bytes = Saved(opt);
        Assert.Equal("SPECTOPT"u8.ToArray(), bytes[..8]);
        Assert.Equal(SpectralOptimizer.StateFormatVersion, BitConverter.ToInt32(bytes, 8));
        Assert.Equal(2, BitConverter.ToInt32(bytes, 12));                          // Signum
        Assert.Equal(opt.OptionsFingerprint, BitConverter.ToUInt64(bytes, 16));
        Assert.Equal((1, 1, 1), (BitConverter.ToInt32(bytes, 24), BitConverter.ToInt32(bytes, 28), BitConverter.ToInt32(bytes, 32)));
        Assert.Equal((1, (byte)'w', 2, 3), (BitConverter.ToInt32(bytes, 36), bytes[40], BitConverter.ToInt32(bytes, 41), BitConverter.ToInt32(bytes, 45)));
        Assert.Equal(49 + 6 * 8, bytes.Length);
        Assert.True(BitConverter.IsLittleEndian);   // the reads above assume it; the format is little-endian everywhere
    }

    [Fact]
    public void Loading_rejects_bad_streams_and_leaves_the_optimizer_unchanged()
    {
        var source = Create("adamw");
        var p = Model();
        for (int t = 1; t <= 2; t++) source.Step(p, Gradients(p, t));
        var good = Saved(source);

        var target = Create("adamw");
        var q = Model();
        target.Step(q, Gradients(q, 7));
        var before = Saved(target);
        void Rejected(byte[] bytes, string because)
        {
            var e = Assert.Throws<InvalidDataException>(() => target.Load(new MemoryStream(bytes)));
            Assert.Contains(because, e.Message);
            Assert.Equal(before, Saved(target));
            Assert.Equal(1, target.StepCount);
        }

        for (int length = 0; length < good.Length; length++) Assert.Throws<InvalidDataException>(() => target.Load(new MemoryStream(good[..length])));
        Assert.Equal(before, Saved(target));
        Rejected(Patch(good, 0, (byte)'X'), "magic");
        Rejected(Patch(good, 8, BitConverter.GetBytes(2)), "version 2");
        Rejected(Patch(good, 28, BitConverter.GetBytes(3)), "3 moments");
        Rejected(Patch(good, 24, BitConverter.GetBytes(-1)), "negative");
        Rejected(Saved(new Signum(new SignumOptions { LearningRate = 0.05, WeightDecay = 0.1, WarmupSteps = 4, Spectra = Full })), "Signum");
        var otherOptions = new AdamW(new AdamWOptions { LearningRate = 0.07, WeightDecay = 0.1, WarmupSteps = 4, Spectra = Full });
        var e = Assert.Throws<InvalidDataException>(() => otherOptions.Load(new MemoryStream(good)));
        Assert.Contains("other options", e.Message);
        otherOptions.Load(new MemoryStream(good), requireSameOptions: false);
        Assert.Equal(2, otherOptions.StepCount);

        // Parameter records start at 36: "a" (5×3) first. A negative row count, a NaN moment, a duplicate name.
        Rejected(Patch(good, 36 + 4 + 1, BitConverter.GetBytes(-5)), "out of range");
        Rejected(Patch(good, 36 + 4 + 1 + 8, BitConverter.GetBytes(double.NaN)), "NaN");
        int second = 36 + 4 + 1 + 8 + 2 * 15 * 8;
        Rejected(Patch(Patch(good, second + 4, (byte)'a'), second, BitConverter.GetBytes(1)), "twice");
        Assert.Throws<ArgumentException>("stream", () => target.Load(new NonReadable()));

        // A state whose shapes do not fit the parameters is refused by the next step, naming the parameter.
        target.Load(new MemoryStream(good));
        var reshaped = Model();
        reshaped["d"] = RandomMatrix(2, 8, 9);
        var error = Assert.Throws<ArgumentException>("parameters", () => target.Step(reshaped, Gradients(reshaped, 3)));
        Assert.Contains("'d'", error.Message);
        Assert.Equal(good, Saved(target));
    }

    private static byte[] Patch(byte[] bytes, int offset, params byte[] with)
    {
        var copy = (byte[])bytes.Clone();
        with.CopyTo(copy, offset);
        return copy;
    }

    private sealed class NonReadable : MemoryStream
    {
        public override bool CanRead => false;
    }

    /// <summary>A read-only, non-seekable stream over bytes that hands out at most 4 KiB per read, like a pipe.</summary>
    private sealed class NonSeekable(byte[] bytes) : Stream
    {
        private int _position;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int n = Math.Min(Math.Min(buffer.Length, 4096), bytes.Length - _position);
            bytes.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    [Fact]
    public void Loading_from_a_non_seekable_stream_restores_large_moments()
    {
        // 300×300 = 90 000 doubles per moment: more than one read chunk, so the array grows while reading.
        var source = new AdamW(new AdamWOptions { Spectra = null });
        var p = new Dictionary<string, Matrix<double>> { ["big"] = RandomMatrix(300, 300, 11), ["small"] = RandomMatrix(2, 2, 12) };
        source.Step(p, Gradients(p, 1));
        var bytes = Saved(source);
        var target = new AdamW(new AdamWOptions { Spectra = null });
        target.Load(new NonSeekable(bytes));
        Assert.Equal(bytes, Saved(target));
    }

    [Fact]
    public void A_huge_declared_shape_on_a_non_seekable_stream_allocates_about_what_arrives()
    {
        // The header of "w" claims 20000×20000 (3.2 GB per moment); 4 MiB of moment data follow.
        var options = new SignumOptions { Spectra = null };
        var source = new Signum(options);
        var p = new Dictionary<string, Matrix<double>> { ["w"] = RandomMatrix(2, 3, 5) };
        source.Step(p, Gradients(p, 1));
        var header = Patch(Patch(Saved(source), 41, BitConverter.GetBytes(20000)), 45, BitConverter.GetBytes(20000));
        var bytes = header.Concat(new byte[4 << 20]).ToArray();
        var target = new Signum(options);
        var before = Saved(target);

        long allocated = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidDataException>(() => target.Load(new NonSeekable(bytes)));
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        Assert.Contains("truncated", e.Message);
        // Growing by doubling from 512 KiB: at most 2 × 4 MiB held plus the copies and one chunk (≈ 17 MiB).
        Assert.True(allocated < 64 << 20, $"Load allocated {allocated:N0} bytes for 4 MiB of data");
        Assert.Equal(before, Saved(target));
        Assert.Equal(0, target.StepCount);
    }

    [Fact]
    public void A_rejected_step_changes_nothing()
    {
        var opt = Create("ademamix");
        var twin = Create("ademamix");
        var p = Model();
        var q = Model();
        opt.Step(p, Gradients(p, 1));
        twin.Step(q, Gradients(q, 1));
        var weights = p.ToDictionary(kv => kv.Key, kv => kv.Value.ToColumnMajorArray());
        var state = Saved(opt);

        void Rejected(string paramName, string parameter, Dictionary<string, Matrix<double>> parameters, Dictionary<string, Matrix<double>> gradients)
        {
            var e = Assert.Throws<ArgumentException>(paramName, () => opt.Step(parameters, gradients));
            Assert.Contains($"'{parameter}'", e.Message);
            Assert.Equal(1, opt.StepCount);
            foreach (var (name, w) in weights) Assert.Equal(w, p[name].ToColumnMajorArray());
            Assert.Equal(state, Saved(opt));
        }
        Dictionary<string, Matrix<double>> G() => Gradients(p, 2);
        Dictionary<string, Matrix<double>> With(Dictionary<string, Matrix<double>> d, string name, Matrix<double>? value)
        {
            var copy = new Dictionary<string, Matrix<double>>(d) { [name] = value! };
            return copy;
        }
        Matrix<double> WithNaN(Matrix<double> m, double bad)
        {
            var copy = m.Clone();
            copy[m.RowCount - 1, m.ColumnCount - 1] = bad;
            return copy;
        }

        // Every parameter below "d" is valid, so a step that mutated before validating would show it.
        Rejected("parameters", "d", With(p, "d", WithNaN(p["d"], double.NaN)), G());
        Rejected("gradients", "d", p, With(G(), "d", WithNaN(G()["d"], double.PositiveInfinity)));
        var reshaped = With(p, "d", RandomMatrix(2, 8, 9));
        Rejected("parameters", "d", reshaped, Gradients(reshaped, 2));                         // reshaped under the same name
        Rejected("gradients", "d", p, With(G(), "d", RandomMatrix(4, 3, 9)));                        // gradient of the wrong shape
        Rejected("gradients", "dd", p, With(G(), "dd", RandomMatrix(4, 4, 9)));                      // misspelt gradient key
        var missing = G();
        missing.Remove("d");
        Rejected("gradients", "d", p, missing);
        Rejected("parameters", "d", With(p, "d", null), G());
        Rejected("gradients", "d", p, With(G(), "d", null));
        Rejected("parameters", "d", With(p, "d", Matrix<double>.Build.Sparse(4, 4)), G());
        Rejected("gradients", "b", p, With(G(), "b", RandomMatrix(3, 1, 9, 1e200)));                 // g² overflows v (vectors are not pre-clipped)

        // The next valid step matches a twin that never saw the bad calls, bit for bit.
        var g2 = G();
        opt.Step(p, g2);
        twin.Step(q, g2);
        AssertSameWeights(q, p);
        Assert.Equal(Saved(twin), Saved(opt));
    }

    [Fact]
    public void An_unconverged_clip_never_reaches_the_weights()
    {
        // One Newton–Schulz step at σ_max/c ≈ 40 is far from converged; the exact clip must be used.
        const double c = 0.1, eta = 0.05, lambda = 0.1;
        var ns = new NewtonSchulzOptions { Steps = 1 };
        var opt = new AdamW(new AdamWOptions { LearningRate = eta, WeightDecay = lambda, Spectra = new SpectraClipping { PostClip = c, PreClip = c, NewtonSchulz = ns } });
        var w0 = RandomMatrix(6, 4, 20);
        var g = RandomMatrix(6, 4, 21, 10);
        var w = w0.Clone();
        opt.Step(One(w), One(g));

        var oneStep = SpectralClip.Apply(SpectralMode.Soft, g, c, new() { NewtonSchulz = ns, Fallback = false });
        Assert.False(oneStep.Converged);
        Assert.True((oneStep.Value - ExactSoft(g, c)).InfinityNorm() > 1e-3, "the unconverged clip must differ visibly");
        var report = opt.LastStep!;
        Assert.Equal((2, 2), (report.Clips, report.Fallbacks));   // the pre-clip and the post clip
        Assert.Equal(["w", "w"], report.FallbackParameters);
        var expected = (1 - eta * lambda) * w0 - eta * Math.Sqrt(6.0 / 4) * ExactSoft(FirstAdamDirection(ExactSoft(g, c)), c);
        Assert.True((w - expected).InfinityNorm() < Reordered);
    }

    /// <summary>
    /// An 8×4 direction U = Q₁·diag(σ)·Q₂ᵀ with the given singular values, scaled so that its largest
    /// entry is 0.5, and the gradient g = U/(1 − |U|) whose first AdamW direction at ε = 1,
    /// g/(|g| + 1), is U up to rounding.
    /// </summary>
    private static (Matrix<double> Gradient, Matrix<double> Direction) Graded(double[] sigma, int seed)
    {
        var q1 = RandomMatrix(8, 4, seed).QR(MathNet.Numerics.LinearAlgebra.Factorization.QRMethod.Thin).Q;
        var q2 = RandomMatrix(4, 4, seed + 1).QR().Q;
        var u = q1 * Matrix<double>.Build.DenseOfDiagonalArray(sigma) * q2.Transpose();
        u *= 0.5 / u.Enumerate().Max(Math.Abs);
        var g = u.Map(x => x / (1 - Math.Abs(x)));
        return (g, FirstAdamDirection(g, eps: 1));
    }

    /// <summary>One AdamW step (ε = 1) from W₀ = 0, so W₁ = −η·s·P(U) exactly rounded; returns W₁ and the report.</summary>
    private static (Matrix<double> Weights, SpectralStepReport Report) FirstStep(Matrix<double> gradient, SpectraClipping spectra, double eta)
    {
        var opt = new AdamW(new AdamWOptions { LearningRate = eta, WeightDecay = 0.1, Epsilon = 1, Spectra = spectra });
        var w = Matrix<double>.Build.Dense(gradient.RowCount, gradient.ColumnCount);
        opt.Step(One(w), One(gradient));
        return (w, opt.LastStep!);
    }

    [Fact]
    public void At_large_alpha_the_weights_take_the_exact_soft_clip()
    {
        // σ = σ_max·(1, 0.1, 0.01, 0.001) at c = σ_max/10³: α ≈ 10⁶, so u·α·k ≈ 4e-10 exceeds the 1e-12
        // tolerance, Newton–Schulz cannot certify it and the fallback chain has to deliver an accurate clip
        // over the whole range, σ/c from 10³ down to 1.
        const double eta = 0.05;
        var (g, u) = Graded([1, 0.1, 0.01, 1e-3], 30);
        double c = Lapack.Svd(u, SvdVectors.None).S[0] / 1e3;
        var (w, report) = FirstStep(g, new SpectraClipping { PostClip = c }, eta);
        Assert.Equal(1, report.Fallbacks);
        AssertRelative(-eta * Math.Sqrt(2.0) * SpectralClip.Reference(SpectralMode.Soft, u, c).Value, w, ClipAgainstSvd, "W₁ = −η·s·H_c(U)");
    }

    [Fact]
    public void An_unconverged_polar_schedule_never_reaches_the_weights()
    {
        // Muon's five steps leave σ in about [0.7, 1.2] and 10⁻⁴ far below 1: not converged, so the
        // fallback chain must give the exact polar factor, every σ set to 1 including the smallest.
        const double eta = 0.05;
        var (g, u) = Graded([1, 0.7, 0.3, 1e-4], 31);
        var spectra = new SpectraClipping { Transform = SpectraTransform.Orthogonalize, NewtonSchulz = new() { PolarSchedule = PolarSchedule.Muon } };
        var (w, report) = FirstStep(g, spectra, eta);
        Assert.Equal(1, report.Fallbacks);
        AssertRelative(-eta * Math.Sqrt(2.0) * SpectralClip.Reference(SpectralMode.Polar, u, 1).Value, w, ClipAgainstSvd, "W₁ = −η·s·polar(U)");
    }

    [Theory]
    [InlineData(SpectraTransform.SoftClip, PolarSchedule.PolarExpress, 8, 10)]    // the soft clip runs any Steps ≤ MaxIterations
    [InlineData(SpectraTransform.Orthogonalize, PolarSchedule.Muon, 7, null)]
    [InlineData(SpectraTransform.Orthogonalize, PolarSchedule.PolarExpress, 3, 3)]
    [InlineData(SpectraTransform.Orthogonalize, PolarSchedule.Converged, null, 5)]
    public void Newton_Schulz_options_the_transform_can_run_are_accepted_and_step(SpectraTransform transform, PolarSchedule schedule, int? steps, int? maxIterations)
    {
        var ns = new NewtonSchulzOptions { PolarSchedule = schedule, Steps = steps, MaxIterations = maxIterations };
        var opt = new AdamW(new AdamWOptions { Spectra = new SpectraClipping { Transform = transform, PreClip = 0.1, NewtonSchulz = ns } });
        var p = Model();
        opt.Step(p, Gradients(p, 1));
        Assert.Equal(1, opt.StepCount);
    }

    private static SpectraClipping Orthogonal(NewtonSchulzOptions ns) => new() { Transform = SpectraTransform.Orthogonalize, NewtonSchulz = ns };

    public static TheoryData<string, Func<SpectralOptimizer>> BadOptions => new()
    {
        { "lr NaN", () => new AdamW(new AdamWOptions { LearningRate = double.NaN }) },
        { "lr 0", () => new AdamW(new AdamWOptions { LearningRate = 0 }) },
        { "lr ∞", () => new Signum(new SignumOptions { LearningRate = double.PositiveInfinity }) },
        { "decay −1", () => new AdamW(new AdamWOptions { WeightDecay = -1 }) },
        { "decay NaN", () => new AdamW(new AdamWOptions { WeightDecay = double.NaN }) },
        { "ηλ = 1", () => new AdamW(new AdamWOptions { LearningRate = 0.5, WeightDecay = 2 }) },
        { "warmup −1", () => new AdamW(new AdamWOptions { WarmupSteps = -1 }) },
        { "global clip −1", () => new AdamW(new AdamWOptions { GradientClipNorm = -1 }) },
        { "global clip NaN", () => new AdamW(new AdamWOptions { GradientClipNorm = double.NaN }) },
        { "c NaN", () => new AdamW(new AdamWOptions { Spectra = new SpectraClipping { PostClip = double.NaN } }) },
        { "c ∞", () => new AdamW(new AdamWOptions { Spectra = new SpectraClipping { PostClip = double.PositiveInfinity } }) },
        { "c −1", () => new AdamW(new AdamWOptions { Spectra = new SpectraClipping { PostClip = -1 } }) },
        { "c_pre 0", () => new AdamW(new AdamWOptions { Spectra = new SpectraClipping { PreClip = 0 } }) },
        { "transform", () => new AdamW(new AdamWOptions { Spectra = new SpectraClipping { Transform = (SpectraTransform)7 } }) },
        { "scale", () => new AdamW(new AdamWOptions { Spectra = new SpectraClipping { OrthogonalScale = (OrthogonalScale)7 } }) },
        { "NS null", () => new AdamW(new AdamWOptions { Spectra = new SpectraClipping { NewtonSchulz = null! } }) },
        { "NS steps −1", () => new AdamW(new AdamWOptions { Spectra = new SpectraClipping { NewtonSchulz = new() { Steps = -1 } } }) },
        { "soft steps > limit", () => new AdamW(new AdamWOptions { Spectra = new SpectraClipping { NewtonSchulz = new() { Steps = 11, MaxIterations = 10 } } }) },
        { "polar converged with steps", () => new AdamW(new AdamWOptions { Spectra = Orthogonal(new() { Steps = 10 }) }) },
        { "polar express 8 steps", () => new AdamW(new AdamWOptions { Spectra = Orthogonal(new() { PolarSchedule = PolarSchedule.PolarExpress, Steps = 8, MaxIterations = 10 }) }) },
        { "polar express 0 steps", () => new AdamW(new AdamWOptions { Spectra = Orthogonal(new() { PolarSchedule = PolarSchedule.PolarExpress, Steps = 0 }) }) },
        { "muon 0 steps", () => new Signum(new SignumOptions { Spectra = Orthogonal(new() { PolarSchedule = PolarSchedule.Muon, Steps = 0 }) }) },
        { "muon limit 3", () => new AdEMAMix(new AdEMAMixOptions { Spectra = Orthogonal(new() { PolarSchedule = PolarSchedule.Muon, MaxIterations = 3 }) }) },
        { "polar express limit 3", () => new AdamW(new AdamWOptions { Spectra = Orthogonal(new() { PolarSchedule = PolarSchedule.PolarExpress, MaxIterations = 3 }) }) },
        { "converged warm-up over limit 3", () => new AdamW(new AdamWOptions { Spectra = Orthogonal(new() { MaxIterations = 3 }) }) },
        { "muon 6 steps, limit 5", () => new AdamW(new AdamWOptions { Spectra = Orthogonal(new() { PolarSchedule = PolarSchedule.Muon, Steps = 6, MaxIterations = 5 }) }) },
        { "β₁ = 1", () => new AdamW(new AdamWOptions { Beta1 = 1 }) },
        { "β₂ NaN", () => new AdamW(new AdamWOptions { Beta2 = double.NaN }) },
        { "ε 0", () => new AdamW(new AdamWOptions { Epsilon = 0 }) },
        { "momentum 1", () => new Signum(new SignumOptions { Momentum = 1 }) },
        { "momentum NaN", () => new Signum(new SignumOptions { Momentum = double.NaN }) },
        { "β₃ 0", () => new AdEMAMix(new AdEMAMixOptions { Beta3 = 0 }) },
        { "α ∞", () => new AdEMAMix(new AdEMAMixOptions { Alpha = double.PositiveInfinity }) },
        { "T −1", () => new AdEMAMix(new AdEMAMixOptions { AlphaBetaWarmup = -1 }) },
        { "groups null", () => new AdamW(new AdamWOptions { Groups = null! }) },
        { "group null", () => new AdamW(new AdamWOptions { Groups = [null!] }) },
        { "group predicate null", () => new AdamW(new AdamWOptions { Groups = [new ParameterGroup("g", null!)] }) },
        { "group lr NaN", () => new AdamW(new AdamWOptions { Groups = [ParameterGroup.Vectors() with { LearningRate = double.NaN }] }) },
        { "group c ∞", () => new AdamW(new AdamWOptions { Groups = [ParameterGroup.Vectors() with { PostClip = double.PositiveInfinity }] }) },
        { "group ηλ ≥ 1", () => new AdamW(new AdamWOptions { Groups = [ParameterGroup.Vectors() with { WeightDecay = 1000 }] }) },
    };

    [Theory, MemberData(nameof(BadOptions))]
    public void Bad_options_are_rejected_naming_options(string label, Func<SpectralOptimizer> create)
    {
        var e = Assert.Throws<ArgumentException>("options", () => create());
        Assert.False(string.IsNullOrEmpty(e.Message), label);
    }

    [Fact]
    public void Step_numbers_below_one_are_rejected()
    {
        var opt = new AdamW();
        Assert.Throws<ArgumentOutOfRangeException>(() => opt.LearningRateAt(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => opt.ClipLevelAt(-1));
    }
}
