namespace Numerics.Bilevel;

/// <summary>
/// A stack of <see cref="Count"/> grey images of <see cref="Height"/> × <see cref="Width"/> pixels,
/// stored one after another, each row-major (the C order of a .npy file): pixel (n, i, j) sits at
/// n·H·W + i·W + j.
/// </summary>
/// <param name="Count">Images, at least 1.</param>
/// <param name="Height">Rows per image, at least 1.</param>
/// <param name="Width">Columns per image, at least 1.</param>
public readonly record struct ImageShape(int Count, int Height, int Width)
{
    /// <summary>Pixels per image.</summary>
    public int ImagePixels => Height * Width;

    /// <summary>Pixels in the stack.</summary>
    public int Pixels => Count * Height * Width;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming <paramref name="paramName"/> unless every dimension is positive and the stack fits an array.</summary>
    public void Validate(string paramName)
    {
        if (Count < 1 || Height < 1 || Width < 1 || (long)Count * Height * Width * 2 > Array.MaxLength)
            throw new ArgumentOutOfRangeException(paramName, this, "An image stack needs positive dimensions and at most Array.MaxLength/2 pixels.");
    }
}
