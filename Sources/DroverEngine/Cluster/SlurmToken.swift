import DroverCore
import Foundation

/// What can be told about a Slurm JWT (`scontrol token`) without its key: that it is a JWT, whose user it is (`sun`)
/// and until when it holds (`exp`).
///
/// slurmrestd v0.0.38 passes tokens through to slurmctld, and when slurmctld refuses one it answers no 401 but
/// `Unspecified error` or `Socket timed out on send/recv operation`, as when the controller does not answer. So the
/// mistakes that can be seen here (no token, not a token, expired, another user's) are caught before any request,
/// with a message that says what to do; only a token signed with another key reaches the cluster.
enum SlurmToken {
    /// Why `token` cannot work for `user` at `now`, or nil.
    static func problem(_ token: String, user: String, now: Date) -> String? {
        guard !token.isEmpty else { return "the engine has no SLURM_JWT" }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let payload = decode(parts[1]),
              let claims = (try? JSONSerialization.jsonObject(with: payload)) as? [String: Any] else {
            return "SLURM_JWT is not a JWT"
        }
        if let owner = claims["sun"] as? String, owner != user {
            return "SLURM_JWT is a token of user \(owner), and the engine runs as \(user)"
        }
        if let expiry = SlurmTask.number(claims["exp"]), Double(expiry) <= now.timeIntervalSince1970 {
            let when = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(expiry)))
            return "SLURM_JWT expired at \(when)"
        }
        return nil
    }

    /// The bytes of a base64url text without padding.
    static func decode(_ text: Substring) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }
}
