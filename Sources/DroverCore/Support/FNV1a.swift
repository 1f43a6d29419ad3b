/// The 64-bit FNV-1a hash: small, fast, and the same in every process and on every platform
/// (unlike `Hasher`, which is seeded per process), for values that are stored or that seed something.
public enum FNV1a {
    /// The hash's starting value (the 64-bit FNV offset basis).
    public static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    /// The 64-bit FNV prime.
    public static let prime: UInt64 = 0x100_0000_01b3

    /// The hash of `bytes`.
    public static func hash(_ bytes: some Sequence<UInt8>) -> UInt64 {
        var hash = offsetBasis
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* prime }
        return hash
    }

    /// The hash of the UTF-8 bytes of `text`.
    public static func hash(_ text: String) -> UInt64 {
        hash(text.utf8)
    }
}
