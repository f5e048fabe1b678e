using Numerics.LinearAlgebra;

namespace Numerics.Proximal;

/// <summary>
/// An input-convex potential ψ_θ: ℝⁿ → ℝ whose gradient f_θ = ∇ψ_θ is, for every θ, the exact
/// proximal operator of some regulariser R_θ: f_θ(y) = argmin_x ½‖y − x‖² + R_θ(x). The dense
/// <see cref="LearnedProximalNetwork"/>, the convolutional <see cref="ConvolutionalProximalNetwork"/>
/// and the patch construction <see cref="PatchedProximalNetwork"/> are its forms; training, the
/// regulariser and the plug-and-play solvers work on any of them.
/// </summary>
/// <remarks>
/// Every method works on a batch of m inputs, one input of n values after another. θ is one flat
/// vector; the ranges returned by the hidden path must stay non-negative for ψ to be convex, and
/// <see cref="ProjectConstraints"/> restores that after an optimizer step. An instance caches the
/// activations of its last batch and is not safe for concurrent calls; give each thread its own
/// copy (<see cref="Clone"/>).
/// </remarks>
public abstract class InputConvexNetwork
{
    /// <summary>Only the library's forms derive from this class.</summary>
    private protected InputConvexNetwork() { }

    /// <summary>n, the length of each input.</summary>
    public abstract int InputDimension { get; }

    /// <summary>α ≥ 0 of the term α‖y‖² of ψ: ψ is 2α-strongly convex, so f is invertible when α &gt; 0.</summary>
    public abstract double StrongConvexity { get; }

    /// <summary>The number of parameters.</summary>
    public int ParameterCount => ParameterArray.Length;

    /// <summary>θ, flat, in the layout the form documents. Read-only: change θ through <see cref="SetParameters"/>.</summary>
    public ReadOnlySpan<double> Parameters => ParameterArray;

    internal abstract double[] ParameterArray { get; }

    /// <summary>The (offset, length) ranges of θ that must stay non-negative (the hidden path).</summary>
    internal abstract IEnumerable<(int Start, int Length)> ConstrainedRanges();

    /// <summary>Replaces θ.</summary>
    /// <exception cref="ArgumentException">Wrong length, NaN/∞, or a negative hidden-path weight; θ is then unchanged.</exception>
    public void SetParameters(ReadOnlySpan<double> parameters)
    {
        var target = ParameterArray;
        if (parameters.Length != target.Length)
            throw new ArgumentException($"parameters has length {parameters.Length}; the network has {target.Length}.", nameof(parameters));
        DenseStorage.RequireFinite(parameters, nameof(parameters));
        foreach (var (start, length) in ConstrainedRanges())
            foreach (double p in parameters.Slice(start, length))
                if (p < 0) throw new ArgumentException("parameters has a negative hidden-path weight; ψ would not be convex.", nameof(parameters));
        parameters.CopyTo(target);
    }

    /// <summary>
    /// Projects θ onto the constraint set: every hidden-path weight below 0 becomes 0. Training
    /// calls this after every optimizer step, as the official code's <c>wclip</c> does.
    /// </summary>
    public void ProjectConstraints()
    {
        var target = ParameterArray;
        foreach (var (start, length) in ConstrainedRanges())
            foreach (ref double p in target.AsSpan(start, length))
                if (p < 0) p = 0;
    }

    /// <summary>ψ(y_j) for each input y_j of the batch <paramref name="y"/>.</summary>
    /// <param name="y">The inputs, n×m (one input after another).</param>
    /// <param name="potential">Receives the m values.</param>
    /// <exception cref="ArgumentException">y's length is not a positive multiple of n, y holds NaN/∞, or potential's length is not m.</exception>
    public void Potential(ReadOnlySpan<double> y, Span<double> potential)
    {
        int m = CheckBatch(y, nameof(y));
        CheckOutput(potential.Length, m, nameof(potential));
        PotentialCore(y, m, potential);
    }

    /// <summary>
    /// The learned prox f(y_j) = ∇ψ(y_j) for each input of <paramref name="y"/>: the exact
    /// minimiser of ½‖y_j − x‖² + R_θ(x).
    /// </summary>
    /// <param name="y">The inputs, n×m.</param>
    /// <param name="x">Receives f(y), n×m. May be the same memory as y.</param>
    /// <exception cref="ArgumentException">y's length is not a positive multiple of n, y holds NaN/∞, or x's length differs from y's.</exception>
    public void Prox(ReadOnlySpan<double> y, Span<double> x)
    {
        int m = CheckBatch(y, nameof(y));
        CheckOutput(x.Length, y.Length, nameof(x));
        ProxCore(y, m, x);
    }

    /// <summary>ψ and f together: one forward pass serves both.</summary>
    /// <exception cref="ArgumentException">As <see cref="Prox"/> and <see cref="Potential"/>.</exception>
    public void PotentialAndProx(ReadOnlySpan<double> y, Span<double> potential, Span<double> x)
    {
        int m = CheckBatch(y, nameof(y));
        CheckOutput(potential.Length, m, nameof(potential));
        CheckOutput(x.Length, y.Length, nameof(x));
        PotentialAndProxCore(y, m, potential, x);
    }

    /// <summary>
    /// The Jacobian of the prox applied to a direction, ∇²ψ(y_j)·v_j, for each input: symmetric and
    /// positive semidefinite (at least 2α) by construction.
    /// </summary>
    /// <param name="y">The inputs, n×m.</param>
    /// <param name="v">The directions, n×m.</param>
    /// <param name="result">Receives ∇²ψ(y_j)·v_j, n×m.</param>
    /// <exception cref="ArgumentException">A length is not n·m, or y or v holds NaN/∞.</exception>
    public void HessianVectorProduct(ReadOnlySpan<double> y, ReadOnlySpan<double> v, Span<double> result)
    {
        int m = CheckBatch(y, nameof(y));
        CheckOutput(v.Length, y.Length, nameof(v));
        DenseStorage.RequireFinite(v, nameof(v));
        CheckOutput(result.Length, y.Length, nameof(result));
        HessianVectorProductCore(y, v, m, result);
    }

    /// <summary>
    /// The training gradient ∇_θ Σ_j ⟨r_j, f_θ(y_j)⟩: the derivative, with respect to the parameters,
    /// of the prox contracted with fixed cotangents r_j (for a loss L(f(y)), r = ∂L/∂f gives ∂L/∂θ).
    /// </summary>
    /// <param name="y">The inputs, n×m.</param>
    /// <param name="r">The cotangents, n×m.</param>
    /// <param name="gradient">Receives the gradient, in the layout of <see cref="Parameters"/>.</param>
    /// <exception cref="ArgumentException">A length is wrong, or y or r holds NaN/∞.</exception>
    public void ParameterGradient(ReadOnlySpan<double> y, ReadOnlySpan<double> r, Span<double> gradient)
    {
        int m = CheckBatch(y, nameof(y));
        CheckOutput(r.Length, y.Length, nameof(r));
        DenseStorage.RequireFinite(r, nameof(r));
        CheckOutput(gradient.Length, ParameterCount, nameof(gradient));
        ParameterGradientCore(y, r, m, gradient);
    }

    /// <summary><see cref="Potential"/> on m = y.Length/n checked inputs, potential of length m.</summary>
    private protected abstract void PotentialCore(ReadOnlySpan<double> y, int m, Span<double> potential);

    /// <summary><see cref="Prox"/> on m checked inputs, x of y's length (possibly the same memory).</summary>
    private protected abstract void ProxCore(ReadOnlySpan<double> y, int m, Span<double> x);

    /// <summary><see cref="PotentialAndProx"/> on m checked inputs.</summary>
    private protected abstract void PotentialAndProxCore(ReadOnlySpan<double> y, int m, Span<double> potential, Span<double> x);

    /// <summary><see cref="HessianVectorProduct"/> on m checked inputs and directions.</summary>
    private protected abstract void HessianVectorProductCore(ReadOnlySpan<double> y, ReadOnlySpan<double> v, int m, Span<double> result);

    /// <summary><see cref="ParameterGradient"/> on m checked inputs and cotangents, gradient of length <see cref="ParameterCount"/>.</summary>
    private protected abstract void ParameterGradientCore(ReadOnlySpan<double> y, ReadOnlySpan<double> r, int m, Span<double> gradient);

    /// <summary>What a batch's length must be a multiple of, for the message of a bad length: "the input dimension 3", "the image size 8×8 = 64".</summary>
    private protected abstract string InputSizeDescription { get; }

    /// <summary>The message's reason for refusing a batch of <paramref name="count"/> inputs above <see cref="MaxBatch"/>, from "holds" to the limit.</summary>
    private protected abstract string BatchLimitDescription(long count);

    /// <summary>Checks an n×m batch argument (length, finiteness, the workspace's limit) and returns m.</summary>
    private protected int CheckBatch(ReadOnlySpan<double> batch, string name)
    {
        int n = InputDimension;
        if (batch.Length == 0 || batch.Length % n != 0)
            throw new ArgumentException($"{name} has length {batch.Length}, not a positive multiple of {InputSizeDescription}.", name);
        DenseStorage.RequireFinite(batch, name);
        int m = batch.Length / n;
        // The workspace holds a few arrays of (width)×2m per layer; refuse a batch whose buffers no array can hold.
        if (m > MaxBatch)
            throw new ArgumentException($"{name} holds {BatchLimitDescription(m)}", name);
        return m;
    }

    /// <summary>Throws naming <paramref name="name"/> unless <paramref name="length"/> is <paramref name="expected"/>.</summary>
    private protected static void CheckOutput(int length, int expected, string name)
    {
        if (length != expected) throw new ArgumentException($"{name} has length {length}; expected {expected}.", name);
    }

    /// <summary>An independent copy with the same parameters (for use on another thread).</summary>
    public abstract InputConvexNetwork Clone();

    /// <summary>The largest batch the network's workspace can hold (training refuses larger ones up front).</summary>
    internal abstract long MaxBatch { get; }

    /// <summary>
    /// f(y) for a training batch of m inputs (already checked), keeping the passes for the
    /// <see cref="TrainingParameterGradient"/> that follows on the same batch.
    /// </summary>
    internal abstract void TrainingProx(ReadOnlySpan<double> y, Span<double> x);

    /// <summary>∇_θ Σ_j ⟨r_j, f_θ(y_j)⟩ for the batch of the last <see cref="TrainingProx"/>, reusing its forward pass.</summary>
    internal abstract void TrainingParameterGradient(ReadOnlySpan<double> r, double[] gradient);
}
