import Crypto
import Foundation

/// The token the dashboard's forms carry so that only its own pages can make it act (a defence against cross-site
/// request forgery): HMAC-SHA256 of a fixed label keyed with the API's secret key. Another site cannot read the pages
/// (browsers keep a page's content from other origins) and cannot compute it without the key.
struct DashboardToken: Sendable {
    /// The token, as hex.
    let value: String

    /// The label the HMAC is computed over: changing it changes every token.
    static let label = "drover dashboard form v1"

    /// The token of a server whose API takes `secret` as its secret access key.
    init(secret: String) {
        let code = HMAC<SHA256>.authenticationCode(for: Data(Self.label.utf8), using: SymmetricKey(data: Data(secret.utf8)))
        value = code.map { String(format: "%02x", $0) }.joined()
    }

    /// Whether `candidate` is the token, compared in constant time (every byte, whatever the first difference).
    func accepts(_ candidate: String?) -> Bool {
        guard let candidate else { return false }
        let expected = Array(value.utf8)
        let given = Array(candidate.utf8)
        guard expected.count == given.count else { return false }
        var difference: UInt8 = 0
        for index in expected.indices { difference |= expected[index] ^ given[index] }
        return difference == 0
    }
}
