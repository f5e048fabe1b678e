using System.Numerics;

namespace Numerics.Arithmetic;

/// <summary>A column-major host matrix of float or double (leading dimension = rows); a vector is n×1.</summary>
/// <param name="Rows">Row count.</param>
/// <param name="Columns">Column count.</param>
/// <param name="Values">The values, length rows·cols.</param>
public sealed record HostMatrix<T>(int Rows, int Columns, T[] Values) where T : unmanaged, IFloatingPointIeee754<T>;
