/// `InputPath`, `OutputPath`, `ResultPath` or `ItemsPath`: a JSONPath, or `null`, which Amazon States Language gives a
/// meaning of its own (no input, `{}` as output, the result discarded); a field left out is the path `$`.
public enum PathField: Sendable, Equatable, Codable {
    /// A JSONPath (`$`, `$.detail.items`, `$$.Execution.Input` ...).
    case path(String)
    /// The field was given as `null`.
    case null

    /// The field left out: `$`.
    public static let whole = PathField.path("$")

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        self = container.decodeNil() ? .null : .path(try container.decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .path(let text): try container.encode(text)
        case .null: try container.encodeNil()
        }
    }
}
