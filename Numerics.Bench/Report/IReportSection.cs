namespace Numerics.Bench.Report;

/// <summary>
/// One section of the quick report: a family (or its GPU path) on its built-in problem, against a
/// baseline measured in the same run. A section is added by registering an instance in
/// <see cref="QuickReport.Sections"/>; the registry drives <c>--section</c>, the usage text and the run order.
/// </summary>
public interface IReportSection
{
    /// <summary>The word <c>--section</c> selects it by (lower case, no spaces).</summary>
    string Name { get; }

    /// <summary>One line for the usage text: what is measured against what.</summary>
    string Description { get; }

    /// <summary>Writes the section to <see cref="ReportContext.Writer"/>, at the sizes <see cref="ReportContext.Smoke"/> selects.</summary>
    void Run(ReportContext context);
}
