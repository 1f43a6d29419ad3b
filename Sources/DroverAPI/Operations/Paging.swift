import Foundation

extension BatchService {
    /// `nextToken` for a position in a list (a job's place, a resource's name), and back.
    static func token(_ position: String) -> String {
        Data("drover:\(position)".utf8).base64EncodedString()
    }

    /// The position a `nextToken` stands for; a token this server did not give is a ClientException.
    static func position(_ token: String) throws(APIError) -> String {
        guard let data = Data(base64Encoded: token), let text = String(data: data, encoding: .utf8), text.hasPrefix("drover:") else {
            throw APIError.client("nextToken: '\(token)' is not a token this server gave")
        }
        return String(text.dropFirst("drover:".count))
    }

    /// How many items a page holds: `maxResults` (at least 1) when given, at most `limit`.
    static func pageSize(_ maxResults: Int?, limit: Int) throws(APIError) -> Int {
        guard let maxResults else { return limit }
        guard maxResults >= 1 else { throw APIError.client("maxResults: must be at least 1 (got \(maxResults))") }
        return min(limit, maxResults)
    }
}
