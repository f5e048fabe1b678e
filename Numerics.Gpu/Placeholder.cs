namespace Numerics.Gpu;
