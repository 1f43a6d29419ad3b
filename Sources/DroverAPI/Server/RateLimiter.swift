import Foundation
import Synchronization

/// A token bucket: at most `rate` requests per second on average, with bursts of up to `rate` (at least 1).
/// `--api-rate-limit` puts one in front of every operation, as AWS throttles SubmitJob.
public final class RateLimiter: Sendable {
    /// Requests allowed per second.
    public let rate: Double
    private let state: Mutex<(tokens: Double, last: UInt64)>

    /// Creates a full bucket.
    public init(rate: Double) {
        self.rate = rate
        state = Mutex((max(1, rate), DispatchTime.now().uptimeNanoseconds))
    }

    /// Takes a token if there is one; false when the request is over the rate.
    public func admit(now: UInt64 = DispatchTime.now().uptimeNanoseconds) -> Bool {
        state.withLock { bucket in
            let elapsed = Double(now &- bucket.last) / 1e9
            bucket.last = now
            bucket.tokens = min(max(1, rate), bucket.tokens + max(0, elapsed) * rate)
            guard bucket.tokens >= 1 else { return false }
            bucket.tokens -= 1
            return true
        }
    }
}
