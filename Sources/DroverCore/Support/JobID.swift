/// Short, copy-pasteable job identifiers, and the `PARENT:INDEX` form of array children.
public enum JobID {
    /// Lower-case letters and digits without look-alikes (Crockford base32).
    static let alphabet = Array("0123456789abcdefghjkmnpqrstvwxyz")

    /// A new random 8-character id such as `k3x9m2qd`.
    public static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<8).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
    }

    /// The id of child `index` of array job `parent`.
    public static func child(_ parent: String, _ index: Int) -> String { "\(parent):\(index)" }

    /// Splits `PARENT:INDEX` into its parts; a plain id has no index.
    public static func split(_ id: String) -> (parent: String, index: Int?) {
        guard let colon = id.lastIndex(of: ":"), let index = Int(id[id.index(after: colon)...]) else {
            return (id, nil)
        }
        return (String(id[..<colon]), index)
    }
}
