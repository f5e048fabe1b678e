using ILGPU;
using ILGPU.Runtime;

namespace Numerics.Gpu.Kernels;

/// <summary>
/// The buffers and sizes of one transport evaluation on the device: one problem, or a batch of
/// equal-shaped problems side by side (column j belongs to problem ⌊j/<see cref="Block"/>⌋, whose
/// variables start at that times <see cref="Stride"/>).
/// </summary>
internal struct TransportArguments<T> where T : unmanaged
{
    /// <summary>C, m×N column-major (a batch: the problems' costs side by side).</summary>
    public ArrayView<T> Cost;
    /// <summary>The variables: α (m), then β (n) for the dual; a batch: these blocks, one per problem, <see cref="Stride"/> apart.</summary>
    public ArrayView<T> X;
    /// <summary>The gradient, laid out as <see cref="X"/>; the column kernel writes its β part, the row kernel its α part.</summary>
    public ArrayView<T> Gradient;
    /// <summary>a (m) and b (N), in float64; a batch: the problems' a's and b's, each concatenated.</summary>
    public ArrayView<double> A, B;
    /// <summary>Per column: how many plan entries it holds.</summary>
    public ArrayView<int> Counts;
    /// <summary>Per column: its plan entries' rows and values in rank order, <see cref="Slots"/> slots each.</summary>
    public ArrayView<int> PlanRows;
    /// <summary>Values parallel to <see cref="PlanRows"/>.</summary>
    public ArrayView<double> PlanValues;
    /// <summary>Per column: its term of the objective (max_{k,bⱼ} or δ_k).</summary>
    public ArrayView<double> Terms;
    /// <summary>The plan densely, m×N column-major, for the fixed-order row sums.</summary>
    public ArrayView<double> Dense;
    /// <summary>M rows per problem, N columns in all, Slots per column.</summary>
    public int M, N, Slots;
    /// <summary>Columns per problem (N for a single problem).</summary>
    public int Block;
    /// <summary>Variables per problem: m for the semi-dual, m + n for the dual.</summary>
    public int Stride;
    /// <summary>1: the dual D_k; 0: the semi-dual S_k.</summary>
    public int Dual;
    public double Gamma;
}

/// <summary>
/// The semi-dual and dual evaluations of sparsity-constrained transport, in the CPU's arithmetic
/// (see <c>SemiDualObjective</c> and <c>DualObjective</c> in Core): one thread per column selects the
/// top k of s = α − c_j, applies the formulation's rule and writes the column's plan entries, its
/// term and its column of the dense plan; a second kernel sums the dense plan's rows in column order.
/// Every sum has a fixed order and no atomics are used, so the results are the same on every run.
/// </summary>
internal static class TransportKernels
{
    /// <summary>Column j (of problem ⌊j/Block⌋): top-k selection, the semi-dual's simplex projection or the dual's squared ReLU, and its slots.</summary>
    public static void Columns<T, TOps>(Index1D column, TransportArguments<T> p)
        where T : unmanaged where TOps : struct, IScalarOps<T>
    {
        var o = default(TOps);
        int j = column, m = p.M, slots = p.Slots, problem = j / p.Block;
        long start = (long)j * slots, cj = (long)j * m, x0 = (long)problem * p.Stride, betaIndex = x0 + m + (j - (long)problem * p.Block);
        double floor = p.Dual != 0 ? -o.ToDouble(p.X[betaIndex]) : double.NegativeInfinity;

        // Top k of s in rank order (larger value first, ties to the smaller row): rows arrive in
        // increasing order, so a newcomer goes after every held entry of equal value.
        int count = 0;
        for (int i = 0; i < m; i++)
        {
            double s = o.ToDouble(p.X[x0 + i]) - o.ToDouble(p.Cost[cj + i]);
            if (!(s > floor) || (count == slots && !(s > p.PlanValues[start + slots - 1]))) continue;
            int r = count < slots ? count++ : slots - 1;
            for (; r > 0 && s > p.PlanValues[start + r - 1]; r--)
            {
                p.PlanValues[start + r] = p.PlanValues[start + r - 1];
                p.PlanRows[start + r] = p.PlanRows[start + r - 1];
            }
            p.PlanValues[start + r] = s;
            p.PlanRows[start + r] = i;
        }

        double term;
        int support;
        if (p.Dual != 0) support = DualRule(p, start, count, -floor, out term);
        else support = SemiDualRule(p, start, count, p.B[j], out term);
        p.Counts[j] = support;
        p.Terms[j] = term;

        for (int i = 0; i < m; i++) p.Dense[cj + i] = 0;
        double columnSum = 0;
        for (int r = 0; r < support; r++)
        {
            p.Dense[cj + p.PlanRows[start + r]] = p.PlanValues[start + r];
            columnSum += p.PlanValues[start + r];
        }
        if (p.Dual != 0) p.Gradient[betaIndex] = o.FromDouble(columnSum - p.B[j]);
    }

    /// <summary>Row i of problem ⌊r/M⌋'s α gradient (r = the row's index over the batch): Σⱼ T_ij over that problem's columns in column order, minus aᵢ.</summary>
    public static void Rows<T, TOps>(Index1D row, TransportArguments<T> p)
        where T : unmanaged where TOps : struct, IScalarOps<T>
    {
        int problem = row / p.M, i = row - problem * p.M;
        long first = (long)problem * p.Block;
        double sum = 0;
        for (long j = first; j < first + p.Block; j++) sum += p.Dense[i + j * p.M];
        p.Gradient[(long)problem * p.Stride + i] = default(TOps).FromDouble(sum - p.A[row]);
    }

    /// <summary>
    /// max_{k,z}(s) from the sorted top entries: the projection of s/γ onto the simplex of total z
    /// (sort-and-threshold on differences from the largest), its entries written over the slots.
    /// </summary>
    private static int SemiDualRule<T>(TransportArguments<T> p, long start, int count, double z, out double value) where T : unmanaged
    {
        double scale = 1 / p.Gamma, shift = 0;
        int support = 0;
        if (z != 0 && count > 0)
        {
            double top = p.PlanValues[start], partial = 0;
            for (int r = 0; r < count; r++)
            {
                double d = scale * (p.PlanValues[start + r] - top);
                double candidate = (partial + d - z) / (r + 1);
                if (!(d - candidate > 0)) break;
                partial += d;
                support = r + 1;
                shift = candidate;
            }
        }
        // ⟨s, t⟩ − (γ/2)‖t‖² with ⟨s, t⟩ = s₀·z + Σ (sᵣ − s₀)·tᵣ, as Σ tᵣ = z.
        double first = support > 0 ? p.PlanValues[start] : 0, linear = 0, square = 0;
        for (int r = 0; r < support; r++)
        {
            double gap = p.PlanValues[start + r] - first;
            double t = scale * gap - shift;
            linear += gap * t;
            square += t * t;
            p.PlanValues[start + r] = t;
        }
        value = first * z + linear - 0.5 * p.Gamma * square;
        return support;
    }

    /// <summary>δ_k(s + βⱼ) = (1/2γ)·Σ [sᵣ + βⱼ]₊² over the kept entries (all above −βⱼ), and tᵣ = (sᵣ + βⱼ)/γ.</summary>
    private static int DualRule<T>(TransportArguments<T> p, long start, int count, double beta, out double value) where T : unmanaged
    {
        double sum = 0;
        int kept = 0;
        for (int r = 0; r < count; r++)
        {
            double u = p.PlanValues[start + r] + beta;
            double t = u / p.Gamma;
            sum += u * t;
            if (t > 0)
            {
                p.PlanRows[start + kept] = p.PlanRows[start + r];
                p.PlanValues[start + kept++] = t;
            }
        }
        value = 0.5 * sum;
        return kept;
    }
}

/// <summary>The transport kernels of one element type, typed in T only (see <see cref="DenseKernels{T}"/>).</summary>
internal abstract class TransportKernels<T> where T : unmanaged
{
    public Action<Index1D, TransportArguments<T>> Columns { get; protected init; } = null!;
    public Action<Index1D, TransportArguments<T>> Rows { get; protected init; } = null!;
}

/// <summary>The transport kernels compiled for one element type on one accelerator.</summary>
internal sealed class TransportKernelSet<T, TOps> : TransportKernels<T> where T : unmanaged where TOps : struct, IScalarOps<T>
{
    public TransportKernelSet(Accelerator accelerator)
    {
        Columns = accelerator.LoadAutoGroupedStreamKernel<Index1D, TransportArguments<T>>(TransportKernels.Columns<T, TOps>);
        Rows = accelerator.LoadAutoGroupedStreamKernel<Index1D, TransportArguments<T>>(TransportKernels.Rows<T, TOps>);
    }
}
