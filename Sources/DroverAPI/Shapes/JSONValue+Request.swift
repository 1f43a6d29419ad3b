import DroverCore
import Foundation

extension JSONValue {
    /// Reads a request body; a body that is not JSON is a ClientException.
    static func parse(_ data: Data, operation: String) throws(APIError) -> JSONValue {
        do {
            return try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw APIError.client("\(operation): the request body is not valid JSON")
        }
    }
}
