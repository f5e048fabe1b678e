using ILGPU;

namespace Numerics.Gpu.Kernels;

/// <summary>Scalar arguments of <see cref="GemmKernel.Run{T, TOps}"/>.</summary>
internal struct GemmArguments<T> where T : unmanaged
{
    public int M, N, K, Lda, Ldb, Ldc, TransA, TransB;
    public T Alpha, Beta;
    /// <summary>Batched GEMM: grid z-index b multiplies the matrices starting at b·Stride (0: one matrix).</summary>
    public long StrideA, StrideB, StrideC;
}

/// <summary>
/// C ← α·op(A)·op(B) + β·C, column-major, with a 64×64 tile of C per 16×16 group: each thread
/// keeps a 4×4 register block, and the k-loop walks 16-wide slabs of op(A) and op(B) staged in
/// shared memory.
/// </summary>
/// <remarks>
/// Thread (tx, ty) owns rows tx + 16i and columns ty + 16j (i, j &lt; 4), so consecutive threads touch
/// consecutive rows: loads of A and stores of C are coalesced in column-major storage.
/// </remarks>
internal static class GemmKernel
{
    public const int Group = 16;
    public const int Tile = 64;
    public const int Slab = 16;

    public static void Run<T, TOps>(ArrayView<T> a, ArrayView<T> b, ArrayView<T> c, GemmArguments<T> p)
        where T : unmanaged where TOps : struct, IScalarOps<T>
    {
        var ops = default(TOps);
        var sa = SharedMemory.Allocate<T>(Slab * Tile);
        var sb = SharedMemory.Allocate<T>(Slab * Tile);
        int tx = ILGPU.Group.IdxX, ty = ILGPU.Group.IdxY;
        int tid = tx + Group * ty;
        int row0 = Grid.IdxX * Tile, col0 = Grid.IdxY * Tile;
        long batch = Grid.IdxZ;
        long oa = batch * p.StrideA, ob = batch * p.StrideB, oc = batch * p.StrideC;
        var acc = new Block4x4<T>();

        for (int k0 = 0; k0 < p.K; k0 += Slab)
        {
            for (int s = 0; s < (Slab * Tile) / (Group * Group); s++)
            {
                int l = tid + Group * Group * s;
                // A slab: element (r, kk) of op(A) at (row0 + r, k0 + kk).
                int r = l % Tile, kk = l / Tile;
                int gi = row0 + r, gk = k0 + kk;
                T va = ops.Zero;
                if (gi < p.M && gk < p.K) va = p.TransA == 0 ? a[oa + gi + (long)gk * p.Lda] : a[oa + gk + (long)gi * p.Lda];
                sa[kk * Tile + r] = va;
                // B slab: element (kk, cc) of op(B) at (k0 + kk, col0 + cc).
                int kb = l % Slab, cc = l / Slab;
                int gkb = k0 + kb, gj = col0 + cc;
                T vb = ops.Zero;
                if (gkb < p.K && gj < p.N) vb = p.TransB == 0 ? b[ob + gkb + (long)gj * p.Ldb] : b[ob + gj + (long)gkb * p.Ldb];
                sb[kb * Tile + cc] = vb;
            }
            ILGPU.Group.Barrier();
            for (int kk = 0; kk < Slab; kk++)
            {
                int baseA = kk * Tile + tx, baseB = kk * Tile + ty;
                acc.Update(ops,
                    sa[baseA], sa[baseA + Group], sa[baseA + 2 * Group], sa[baseA + 3 * Group],
                    sb[baseB], sb[baseB + Group], sb[baseB + 2 * Group], sb[baseB + 3 * Group]);
            }
            ILGPU.Group.Barrier();
        }

        for (int j = 0; j < 4; j++)
        {
            int gj = col0 + ty + Group * j;
            if (gj >= p.N) continue;
            for (int i = 0; i < 4; i++)
            {
                int gi = row0 + tx + Group * i;
                if (gi >= p.M) continue;
                long idx = oc + gi + (long)gj * p.Ldc;
                T ab = ops.Mul(p.Alpha, acc.Get(i, j));
                // β = 0 must not read C (it may hold NaN), as in BLAS.
                c[idx] = ops.ToDouble(p.Beta) == 0.0 ? ab : ops.Fma(p.Beta, c[idx], ab);
            }
        }
    }
}

/// <summary>A 4×4 register block; explicit fields because kernels cannot index local arrays cheaply.</summary>
internal struct Block4x4<T> where T : unmanaged
{
    private T _00, _01, _02, _03, _10, _11, _12, _13, _20, _21, _22, _23, _30, _31, _32, _33;

    public void Update<TOps>(TOps o, T a0, T a1, T a2, T a3, T b0, T b1, T b2, T b3) where TOps : struct, IScalarOps<T>
    {
        _00 = o.Fma(a0, b0, _00); _01 = o.Fma(a0, b1, _01); _02 = o.Fma(a0, b2, _02); _03 = o.Fma(a0, b3, _03);
        _10 = o.Fma(a1, b0, _10); _11 = o.Fma(a1, b1, _11); _12 = o.Fma(a1, b2, _12); _13 = o.Fma(a1, b3, _13);
        _20 = o.Fma(a2, b0, _20); _21 = o.Fma(a2, b1, _21); _22 = o.Fma(a2, b2, _22); _23 = o.Fma(a2, b3, _23);
        _30 = o.Fma(a3, b0, _30); _31 = o.Fma(a3, b1, _31); _32 = o.Fma(a3, b2, _32); _33 = o.Fma(a3, b3, _33);
    }

    public readonly T Get(int i, int j) => (i * 4 + j) switch
    {
        0 => _00, 1 => _01, 2 => _02, 3 => _03,
        4 => _10, 5 => _11, 6 => _12, 7 => _13,
        8 => _20, 9 => _21, 10 => _22, 11 => _23,
        12 => _30, 13 => _31, 14 => _32, _ => _33,
    };
}
