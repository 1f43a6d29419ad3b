/// Why a value is not valid shorthand, and where.
public struct ShorthandError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What was expected or found.
    public var message: String
    /// Offset of the problem, in Unicode scalars from the start of the value.
    public var position: Int
    /// The value parsed.
    public var text: String

    public var description: String {
        "\(message) at character \(position + 1) of '\(text)'"
    }
}
