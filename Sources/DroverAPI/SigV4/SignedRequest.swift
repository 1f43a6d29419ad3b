/// An HTTP request as the server received it, with what AWS Signature Version 4 signs: the method, the path and
/// query exactly as they came on the request line (still percent-encoded), the headers and the body.
public struct SignedRequest: Sendable {
    public var method: String
    /// The path as sent, percent-encoded (`/v1/tags/arn%3Aaws%3Abatch%3A...`).
    public var path: String
    /// The query as sent, without the `?` (empty when there is none).
    public var query: String
    /// Header names and values in the order received; a name may repeat.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(method: String, path: String, query: String = "", headers: [(name: String, value: String)], body: [UInt8] = []) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// The values of header `name` (any case), in order.
    public func values(of name: String) -> [String] {
        let lower = name.lowercased()
        return headers.filter { $0.name.lowercased() == lower }.map(\.value)
    }
}
