namespace Numerics.IO;

/// <summary>Element types the engine reads and writes in <c>.npy</c> files.</summary>
public enum NpyDType
{
    /// <summary>IEEE double (<c>f8</c>).</summary>
    Float64,
    /// <summary>IEEE single (<c>f4</c>).</summary>
    Float32,
    /// <summary>32-bit signed integer (<c>i4</c>).</summary>
    Int32,
    /// <summary>64-bit signed integer (<c>i8</c>).</summary>
    Int64,
    /// <summary>Unsigned byte (<c>u1</c>), e.g. 8-bit images.</summary>
    UInt8,
    /// <summary>numpy's <c>bool</c> (<c>b1</c>): one byte per element, 0 or 1.</summary>
    Bool,
}

/// <summary>numpy's type codes and element sizes for each <see cref="NpyDType"/>: the one table the reader and writer share.</summary>
internal static class NpyDTypeCodes
{
    private static readonly (NpyDType DType, string Code, int Size, Type Element)[] Table =
    [
        (NpyDType.Float64, "f8", 8, typeof(double)),
        (NpyDType.Float32, "f4", 4, typeof(float)),
        (NpyDType.Int32, "i4", 4, typeof(int)),
        (NpyDType.Int64, "i8", 8, typeof(long)),
        (NpyDType.UInt8, "u1", 1, typeof(byte)),
        (NpyDType.Bool, "b1", 1, typeof(bool)),
    ];

    /// <summary>The codes accepted, for error messages.</summary>
    public static string Supported { get; } = string.Join(", ", Table.Select(t => t.Code));

    /// <summary>Bytes per element.</summary>
    public static int SizeOf(NpyDType dtype) => Table[(int)dtype].Size;

    /// <summary>The little-endian descriptor numpy writes: <c>&lt;f8</c>, or <c>|u1</c> for one-byte types.</summary>
    public static string Descriptor(NpyDType dtype) => (SizeOf(dtype) == 1 ? "|" : "<") + Table[(int)dtype].Code;

    /// <summary>The type whose code is <paramref name="code"/> (<c>f8</c>, <c>i4</c>, …), if supported.</summary>
    public static NpyDType? FromCode(string code)
    {
        foreach (var t in Table) if (t.Code == code) return t.DType;
        return null;
    }

    /// <summary>The type stored in an array of <paramref name="element"/>, if supported.</summary>
    public static NpyDType? FromElementType(Type? element)
    {
        foreach (var t in Table) if (t.Element == element) return t.DType;
        return null;
    }
}
