using System.Text.RegularExpressions;
using ILGPU;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using Numerics.Gpu.Kernels;
using Numerics.Random;

namespace Numerics.Gpu.Tests;

/// <summary>The device's Philox normals against the host's, bit for bit, and the PTX they compile to.</summary>
[Collection("gpu")]
public partial class GpuNormalTests(GpuFixture gpu)
{
    [Theory]
    [InlineData(42UL, 0UL, 37, 101, 5L)]
    [InlineData(0xDEADBEEFCAFEF00DUL, 0x123456789UL, 64, 64, 0L)]
    [InlineData(7UL, 3UL, 1, 3000, 1_000_003L)]
    public void Device_normals_equal_the_host_normals_bit_for_bit(ulong seed, ulong stream, int m, int columns, long firstColumn)
    {
        using var g = gpu.Device.Accelerator.Allocate1D<double>((long)m * columns);
        gpu.Device.GaussianKernels<double>().GaussianBlock(new Index2D(m, columns), g.View, m, firstColumn, seed, stream, 1.0);
        gpu.Device.Synchronize();
        var device = g.GetAsArray1D();
        var host = new double[(long)m * columns];
        new CounterRng(seed, stream).FillNormal(host, firstColumn * m);
        Assert.Equal(Array.ConvertAll(host, BitConverter.DoubleToInt64Bits), Array.ConvertAll(device, BitConverter.DoubleToInt64Bits));
    }

    [Fact]
    public void Cuda_kernel_issues_explicit_fmas_and_leaves_no_product_for_the_code_generator_to_contract()
    {
        // Compiled for sm_80 without a device. PTX's mul.f64/add.f64 (what ILGPU emits) may be fused
        // by ptxas; the normals keep their bits only if no add or sub consumes a product.
        var kernel = typeof(SketchKernels).GetMethod(nameof(SketchKernels.GaussianBlock))!
            .MakeGenericMethod(typeof(double), typeof(DoubleOps), typeof(PtxFusedMultiplyAdd));
        using var backend = new PTXBackend(gpu.Device.Accelerator.Context, CudaArchitecture.SM_80, CudaInstructionSet.ISA_80, null!);
        var entry = EntryPointDescription.FromImplicitlyGroupedKernel(kernel);
        var ptx = ((PTXCompiledKernel)backend.Compile(entry, KernelSpecialization.Empty)).PTXAssembly;

        // The logarithm 9 + 1 + 2, the sine 8, the cosine 9: every fused multiply-add of BoxMuller, once.
        Assert.Equal(29, Regex.Count(ptx, @"fma\.rn\.f64"));
        Assert.DoesNotContain(".extern", ptx);                                    // every call resolved (no Math.FusedMultiplyAdd)
        var producedBy = new Dictionary<string, string>();
        foreach (Match line in FloatInstruction().Matches(ptx))
        {
            string op = line.Groups["op"].Value, destination = line.Groups["dst"].Value;
            var sources = line.Groups["src"].Value.Split(',', StringSplitOptions.TrimEntries);
            if (op is "add" or "sub")
                Assert.All(sources, s => Assert.NotEqual("mul", producedBy.GetValueOrDefault(s)));
            producedBy[destination] = op == "mov" ? producedBy.GetValueOrDefault(sources[0], "mov") : op;
        }
        Assert.Contains("mul", producedBy.Values);                               // the scan saw the products
    }

    [GeneratedRegex(@"^\s*(?<op>\w+)(\.\w+)*\.f64\s+(?<dst>%fd\d+),\s*(?<src>[^;]+);", RegexOptions.Multiline)]
    private static partial Regex FloatInstruction();
}
