namespace Numerics.Transport;

/// <summary>
/// What the CPU objectives (<see cref="SemiDualObjective"/>, <see cref="DualObjective"/>) share: the
/// problem and its parameters, the column sweep over C, and the plan of the last evaluation.
/// </summary>
public abstract class HostTransportObjective : ISparseTransportObjective<double[]>
{
    private protected HostTransportObjective(TransportProblem problem, int k, double gamma, int dimension)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (!(gamma > 0) || !double.IsFinite(gamma))
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "γ must be positive and finite.");
        Problem = problem;
        MaxNonZerosPerColumn = k;
        Gamma = gamma;
        Dimension = dimension;
        SourceWeights = problem.SourceWeights.ToArray();
        TargetWeights = problem.TargetWeights.ToArray();
        Sweep = new ColumnSweep(problem, k);
        Scratch = new double[dimension];
    }

    /// <inheritdoc />
    public TransportProblem Problem { get; }

    /// <inheritdoc />
    public abstract TransportFormulation Formulation { get; }

    /// <inheritdoc />
    public int MaxNonZerosPerColumn { get; }

    /// <inheritdoc />
    public double Gamma { get; }

    /// <inheritdoc />
    public int Dimension { get; }

    private protected double[] SourceWeights { get; }

    private protected double[] TargetWeights { get; }

    private protected ColumnSweep Sweep { get; }

    private double[] Scratch { get; }

    /// <summary>Returns f(x) and writes ∇f(x); a non-finite x gives NaN (value and gradient), which a line search reads as a step too long.</summary>
    /// <exception cref="ArgumentException">A length is not <see cref="Dimension"/>.</exception>
    public double Evaluate(double[] x, double[] gradient)
    {
        CheckLength(x, nameof(x));
        CheckLength(gradient, nameof(gradient));
        if (!System.Numerics.Tensors.TensorPrimitives.IsFiniteAll<double>(x))
        {
            gradient.AsSpan().Fill(double.NaN);
            return double.NaN;
        }
        return EvaluateFinite(x, gradient);
    }

    /// <summary>f(x) and ∇f(x) for a finite x of the right length.</summary>
    private protected abstract double EvaluateFinite(double[] x, double[] gradient);

    /// <inheritdoc />
    public TransportPlan Plan(double[] x)
    {
        Evaluate(x, Scratch);
        return Sweep.Plan();
    }

    /// <inheritdoc />
    public double[] Potentials(double[] x)
    {
        CheckLength(x, nameof(x));
        return (double[])x.Clone();
    }

    private void CheckLength(double[] x, string name)
    {
        ArgumentNullException.ThrowIfNull(x, name);
        if (x.Length != Dimension) throw new ArgumentException($"{name} has length {x.Length}; the objective's dimension is {Dimension}.", name);
    }
}
