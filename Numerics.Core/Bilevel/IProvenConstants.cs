namespace Numerics.Bilevel;

/// <summary>
/// Marks the library's own problems, whose constants are derived analytically (and tested), so that
/// a result on them reports <see cref="CertificateBasis.Proven"/>; any other problem that declares
/// its constants certified reports <see cref="CertificateBasis.Asserted"/>. Internal, so that only
/// the library can make the claim.
/// </summary>
internal interface IProvenConstants;
