import DroverCore
import DroverStore
import Foundation

extension JSONValue {
    /// The `Value` this request declares, with the request as its document: bad input is a ``DroverError`` (a
    /// ClientException) naming the member and what is wrong, every problem `validate` finds included.
    func located<Value: Decodable & Sendable>(_ type: Value.Type, operation: String, validate: (Value) -> [ValidationIssue]) throws(DroverError) -> Located<Value> {
        let value: Value
        do {
            value = try JSONDecoder().decode(Value.self, from: Data(document.utf8))
        } catch let error as DecodingError {
            throw DroverError("\(operation): \(RequestDecoder.describe(error))")
        } catch {
            throw DroverError("\(operation): \(error)")
        }
        let issues = validate(value)
        guard issues.isEmpty else { throw DroverError("\(operation): \(issues.map(\.description).joined(separator: "; "))") }
        return Located(value: value, location: operation, document: document)
    }
}

extension Located {
    /// The document this value was read from, as JSON (to change it).
    var json: JSONValue {
        get throws(DroverError) { try JSONValue.parse(document: document) }
    }
}

extension BatchService {
    /// Every reference of `references` (names or ARNs of `kind`) as a name; nil or an empty list is nil (no filter,
    /// as AWS reads it). AWS takes up to 100.
    func names(_ references: [String]?, _ kind: BatchARN.Kind, field: String) throws(APIError) -> [String]? {
        guard let references, !references.isEmpty else { return nil }
        guard references.count <= 100 else { throw APIError.client("\(field): at most 100 entries (got \(references.count))") }
        var result: [String] = []
        for (index, reference) in references.enumerated() {
            result.append(try name(reference, kind, field: "\(field)[\(index)]"))
        }
        return result
    }
}
