namespace Numerics.Proximal;

/// <summary>
/// The activations and adjoints of one batch of m inputs through a dense learned proximal network,
/// kept between the passes of a training step. Primal and tangent quantities share a buffer h×2m:
/// columns 0..m−1 hold the primal values, m..2m−1 the tangent (directional-derivative) values, so
/// each weight gradient of the double backward is one GEMM over 2m columns.
/// </summary>
internal sealed class ProximalNetworkWorkspace
{
    public ProximalNetworkWorkspace(int n, int h, int layers, int m)
    {
        Count = m;
        InputAndDirection = new double[n * 2 * m];
        Activations = new double[layers][];
        Slopes = new double[layers][];
        Curvatures = new double[layers][];
        TangentPreactivations = new double[layers][];
        for (int k = 0; k < layers; k++)
        {
            Activations[k] = new double[h * 2 * m];
            Slopes[k] = new double[h * m];
            Curvatures[k] = new double[h * m];
            TangentPreactivations[k] = new double[h * m];
        }
        Adjoint = new double[h * 2 * m];
        Scratch = new double[h * 2 * m];
        Output = new double[n * m];
        Blocks = new ColumnBlocks(m);
    }

    /// <summary>m, the batch size this workspace holds.</summary>
    public int Count { get; }

    /// <summary>[y | r], n×2m: the inputs, then the tangent direction.</summary>
    public double[] InputAndDirection { get; }

    /// <summary>Per layer (0-based), [z | ż], h×2m.</summary>
    public double[][] Activations { get; }

    /// <summary>Per layer, s′(u), h×m.</summary>
    public double[][] Slopes { get; }

    /// <summary>Per layer, s″(u), h×m.</summary>
    public double[][] Curvatures { get; }

    /// <summary>Per layer, u̇ (the tangent of the pre-activation), h×m.</summary>
    public double[][] TangentPreactivations { get; }

    /// <summary>h×2m: pre-activations in the forward pass; [ū | u̇̄] in the reverse pass.</summary>
    public double[] Adjoint { get; }

    /// <summary>h×2m scratch for the transposed products of the reverse passes.</summary>
    public double[] Scratch { get; }

    /// <summary>n×m: the prox or the Hessian-vector product of the dense network's blocked passes, before it is copied out.</summary>
    public double[] Output { get; }

    /// <summary>The fixed column blocks of the dense network's passes.</summary>
    public ColumnBlocks Blocks { get; }

    /// <summary>Per block, a parameter-sized partial gradient, added in block order (the dense network; more than one block only).</summary>
    public double[][]? PartialGradients { get; set; }
}
