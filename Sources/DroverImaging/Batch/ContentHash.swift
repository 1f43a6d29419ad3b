import Crypto

/// Content hashes of output files: the manifest's `hash` and the `{hash}` placeholder (its first 10 digits).
enum ContentHash {
    /// The SHA-256 of `bytes`, as 64 lower-case hex digits.
    static func sha256(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { byte in
            let digits = Array("0123456789abcdef".utf8)
            return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 15)]], as: UTF8.self)
        }.joined()
    }
}
