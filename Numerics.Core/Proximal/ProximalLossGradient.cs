namespace Numerics.Proximal;

/// <summary>The value of a <see cref="ProximalLoss"/> on a batch and its gradient with respect to the outputs.</summary>
internal static class ProximalLossGradient
{
    /// <summary>
    /// Returns L(x̂, x) and writes r = ∂L/∂x̂ for an n×m batch. Sums run column by column in order,
    /// so the value does not depend on the thread count.
    /// </summary>
    public static double Evaluate(ProximalLoss loss, double gamma, ReadOnlySpan<double> estimate, ReadOnlySpan<double> clean, int n, Span<double> r)
    {
        int total = estimate.Length, m = total / n;
        double sum = 0;
        switch (loss)
        {
            case ProximalLoss.SquaredError:
                for (int i = 0; i < total; i++)
                {
                    double d = estimate[i] - clean[i];
                    sum += d * d;
                    r[i] = 2 * d / total;
                }
                return sum / total;
            case ProximalLoss.AbsoluteError:
                for (int i = 0; i < total; i++)
                {
                    double d = estimate[i] - clean[i];
                    sum += Math.Abs(d);
                    r[i] = Math.Sign(d) / (double)total; // sign(0) = 0, as PyTorch's subgradient
                }
                return sum / total;
            default:
                double g2 = gamma * gamma;
                for (int j = 0; j < m; j++)
                {
                    double d2 = 0;
                    for (int l = 0; l < n; l++)
                    {
                        double d = estimate[j * n + l] - clean[j * n + l];
                        d2 += d * d;
                    }
                    double e = Math.Exp(-d2 / g2);
                    sum += 1 - e;
                    // ∂/∂x̂ (1 − e^{−‖x̂ − x‖²/γ²}) = e^{−‖x̂ − x‖²/γ²}·2(x̂ − x)/γ²
                    double factor = 2 * e / (g2 * m);
                    for (int l = 0; l < n; l++) r[j * n + l] = factor * (estimate[j * n + l] - clean[j * n + l]);
                }
                return sum / m;
        }
    }
}
