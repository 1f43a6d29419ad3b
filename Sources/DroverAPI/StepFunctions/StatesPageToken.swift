import Foundation

/// The `nextToken` of a Step Functions listing: where the next page starts (an execution number, an event id, a
/// state machine's name), with the listing it belongs to, as opaque base64 text.
enum StatesPageToken {
    /// The token that continues the listing `kind` after `position`.
    static func make(_ kind: String, _ position: String) -> String {
        Data("drover/\(kind)/\(position)".utf8).base64EncodedString()
    }

    /// The position a token of the listing `kind` holds; `InvalidToken` for any other text.
    static func read(_ token: String, _ kind: String) throws(APIError) -> String {
        let prefix = "drover/\(kind)/"
        guard let data = Data(base64Encoded: token), let text = String(data: data, encoding: .utf8), text.hasPrefix(prefix) else {
            throw APIError.states("InvalidToken", "Invalid Token: '\(token)' is not a nextToken of this listing")
        }
        return String(text.dropFirst(prefix.count))
    }

    /// A token's position as a number.
    static func number(_ token: String, _ kind: String) throws(APIError) -> Int64 {
        guard let number = Int64(try read(token, kind)) else {
            throw APIError.states("InvalidToken", "Invalid Token: '\(token)' is not a nextToken of this listing")
        }
        return number
    }
}
