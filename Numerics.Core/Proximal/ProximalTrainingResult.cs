using Numerics.Optimization;

namespace Numerics.Proximal;

/// <summary>What <see cref="ProximalTrainer.Train"/> did.</summary>
/// <param name="Status">
/// <see cref="SolverStatus.MaxIterations"/> when every step of the schedule ran (training has no
/// stopping test of its own); <see cref="SolverStatus.Cancelled"/> when the token fired;
/// <see cref="SolverStatus.Breakdown"/> when a loss or gradient was not finite (the parameters are
/// then those before that step).
/// </param>
/// <param name="Steps">Adam steps applied.</param>
/// <param name="StageLosses">Per stage, the mean batch loss over its last tenth of steps (NaN for a stage that did not run).</param>
/// <param name="Seconds">Wall-clock time of the training loop.</param>
public sealed record ProximalTrainingResult(SolverStatus Status, int Steps, IReadOnlyList<double> StageLosses, double Seconds);
