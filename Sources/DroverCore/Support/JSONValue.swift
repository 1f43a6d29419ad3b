import Foundation

/// Any JSON value: API request bodies and stored documents read member by member, and request members assembled from
/// command-line options before they are decoded into their types. Integers stay integers (AWS's `integer` members are
/// written without a fraction), and objects keep every member, known or not.
public indirect enum JSONValue: Codable, Equatable, Sendable {
    case string(String)
    case integer(Int)
    case number(Double)
    case bool(Bool)
    case array([JSONValue])
    case object([String: JSONValue])
    case null

    /// Parses JSON text; the error says what is wrong with it.
    public init(parsing text: String) throws(DroverError) {
        do {
            self = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        } catch {
            throw DroverError("not valid JSON (\(Self.reason(error)))")
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let flag = try? container.decode(Bool.self) {
            self = .bool(flag)
        } else if let whole = try? container.decode(Int.self) {
            self = .integer(whole)
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let text = try? container.decode(String.self) {
            self = .string(text)
        } else if let items = try? container.decode([JSONValue].self) {
            self = .array(items)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let text): try container.encode(text)
        case .integer(let whole): try container.encode(whole)
        case .number(let number): try container.encode(number)
        case .bool(let flag): try container.encode(flag)
        case .array(let items): try container.encode(items)
        case .object(let members): try container.encode(members)
        case .null: try container.encodeNil()
        }
    }

    /// This value decoded as `type`, as if it had been read from JSON.
    public func decode<T: Decodable>(_ type: T.Type) throws(DroverError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: JSONEncoder().encode(self))
        } catch {
            throw DroverError(Self.reason(error))
        }
    }

    /// Reads a stored document (the store wrote it, so a failure is the server's: exit code 1).
    public static func parse(document: String) throws(DroverError) -> JSONValue {
        do {
            return try JSONDecoder().decode(JSONValue.self, from: Data(document.utf8))
        } catch {
            throw DroverError("a stored document is not JSON: \(error)", exitCode: 1)
        }
    }

    /// Compact JSON with sorted keys: how documents are stored.
    public var document: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }

    /// The member `key` of an object (nil for other values or a missing or null member); setting it on an object
    /// adds or replaces the member.
    public subscript(key: String) -> JSONValue? {
        get {
            guard case .object(let members) = self, let value = members[key], value != .null else { return nil }
            return value
        }
        set {
            guard case .object(var members) = self else { return }
            members[key] = newValue
            self = .object(members)
        }
    }

    /// The text of a string.
    public var string: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The value of an integer.
    public var integer: Int? {
        if case .integer(let whole) = self { return whole }
        return nil
    }

    /// The items of an array.
    public var array: [JSONValue]? {
        if case .array(let items) = self { return items }
        return nil
    }

    /// The members of an object, nil for any other value.
    public var object: [String: JSONValue]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// A string-to-string map (tags), nil when this is not one.
    public var stringMap: [String: String]? {
        guard let members = object else { return nil }
        var result: [String: String] = [:]
        for (key, value) in members {
            guard let text = value.string else { return nil }
            result[key] = text
        }
        return result
    }

    /// What kind of value this is, for messages: `text`, `an integer`, `a list`...
    public var kind: String {
        switch self {
        case .string: "text"
        case .integer: "an integer"
        case .number: "a number"
        case .bool: "true or false"
        case .array: "a list"
        case .object: "an object"
        case .null: "null"
        }
    }

    /// A decoding error in a few words, naming the member it is about.
    static func reason(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return keys.hasPrefix(".") ? String(keys.dropFirst()) : keys
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = path(context)
            return "missing member '\(key.stringValue)'" + (parent.isEmpty ? "" : " in \(parent)")
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            let at = path(context)
            let what = (context.underlyingError.map { "\($0)" } ?? context.debugDescription)
            return at.isEmpty ? what : "\(at): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}
