import DroverCore
import Foundation

/// A JSON value as read from a request or a stored document. Integers stay integers (AWS's `integer` members must
/// be written without a fraction), and objects keep every member, known or not.
enum JSONValue: Sendable, Equatable, Codable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let flag = try? container.decode(Bool.self) {
            self = .bool(flag)
        } else if let whole = try? container.decode(Int64.self) {
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

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let flag): try container.encode(flag)
        case .integer(let whole): try container.encode(whole)
        case .number(let number): try container.encode(number)
        case .string(let text): try container.encode(text)
        case .array(let items): try container.encode(items)
        case .object(let members): try container.encode(members)
        }
    }

    /// Reads `data`; a body that is not JSON is a ClientException.
    static func parse(_ data: Data, operation: String) throws(APIError) -> JSONValue {
        do {
            return try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw APIError.client("\(operation): the request body is not valid JSON")
        }
    }

    /// Reads a stored document (the store wrote it, so a failure is the server's: exit code 1).
    static func parse(document: String) throws(DroverError) -> JSONValue {
        do {
            return try JSONDecoder().decode(JSONValue.self, from: Data(document.utf8))
        } catch {
            throw DroverError("a stored document is not JSON: \(error)", exitCode: 1)
        }
    }

    /// Compact JSON with sorted keys: how documents are stored.
    var document: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }

    /// The member `key` of an object (nil for other values or a missing or null member).
    subscript(key: String) -> JSONValue? {
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
    var string: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The value of an integer.
    var integer: Int64? {
        if case .integer(let whole) = self { return whole }
        return nil
    }

    /// The items of an array.
    var array: [JSONValue]? {
        if case .array(let items) = self { return items }
        return nil
    }

    /// The members of an object.
    var object: [String: JSONValue]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// A string-to-string map (tags), nil when this is not one.
    var stringMap: [String: String]? {
        guard let members = object else { return nil }
        var result: [String: String] = [:]
        for (key, value) in members {
            guard let text = value.string else { return nil }
            result[key] = text
        }
        return result
    }
}
