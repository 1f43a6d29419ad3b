/// YAML writers leave numbers and booleans unquoted (`onExitCode: 137`, `value: 1`) where AWS's
/// JSON model has strings; these helpers accept either form for string fields.
extension KeyedDecodingContainer {
    /// Decodes a string that may have been written as a number or a boolean.
    func decodeLenientString(forKey key: Key) throws -> String? {
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        if let text = try? decode(String.self, forKey: key) { return text }
        if let number = try? decode(Int.self, forKey: key) { return String(number) }
        if let number = try? decode(Double.self, forKey: key) { return String(number) }
        if let flag = try? decode(Bool.self, forKey: key) { return String(flag) }
        throw DecodingError.typeMismatch(
            String.self,
            .init(codingPath: codingPath + [key], debugDescription: "expected a string"))
    }

    /// Decodes a list of strings whose elements may have been written as numbers.
    func decodeLenientStrings(forKey key: Key) throws -> [String]? {
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        return try decode([LenientString].self, forKey: key).map(\.value)
    }

    /// Decodes a string-to-string map whose values may have been written as numbers.
    func decodeLenientMap(forKey key: Key) throws -> [String: String]? {
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        return try decode([String: LenientString].self, forKey: key).mapValues(\.value)
    }

    /// Decodes a number that may have been written as a string (`"2"`), as AWS JSON sometimes does.
    func decodeLenientDouble(forKey key: Key) throws -> Double? {
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        if let number = try? decode(Double.self, forKey: key) { return number }
        if let text = try? decode(String.self, forKey: key), let number = Double(text) { return number }
        throw DecodingError.typeMismatch(
            Double.self,
            .init(codingPath: codingPath + [key], debugDescription: "expected a number"))
    }
}

/// A string that may be written in YAML as a number or boolean.
struct LenientString: Decodable {
    var value: String

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            value = text
        } else if let number = try? container.decode(Int.self) {
            value = String(number)
        } else if let number = try? container.decode(Double.self) {
            value = String(number)
        } else if let flag = try? container.decode(Bool.self) {
            value = String(flag)
        } else {
            throw DecodingError.typeMismatch(
                String.self, .init(codingPath: decoder.codingPath, debugDescription: "expected a string"))
        }
    }
}
