/// A string-to-string map written with its keys in ascending order, so that the same file always gives the same
/// output.
public struct SortedStringMap: Codable, Sendable, Equatable {
    /// The entries.
    public var values: [String: String]

    /// Wraps `values`.
    public init(_ values: [String: String]) {
        self.values = values
    }

    /// The value of `key`.
    public subscript(key: String) -> String? { values[key] }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        var values: [String: String] = [:]
        for key in container.allKeys { values[key.stringValue] = try container.decode(String.self, forKey: key) }
        self.values = values
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        for (key, value) in values.sorted(by: { $0.key < $1.key }) { try container.encode(value, forKey: Key(stringValue: key)) }
    }
}
