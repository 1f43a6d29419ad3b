import Foundation

/// How long a `Retry` rule waits before a retry, as Step Functions computes it.
public enum RetryDelay {
    /// Seconds to wait before retry number `retryCount + 1` (`retryCount` 0: the first retry):
    /// `IntervalSeconds × BackoffRate^retryCount`, capped at `MaxDelaySeconds` when given; with the `FULL` jitter
    /// strategy, that delay times `random` (drawn uniformly from [0, 1) by the caller).
    public static func seconds(retrier: Retrier, retryCount: Int, random: Double) -> Double {
        var delay = Double(retrier.intervalSeconds) * pow(retrier.backoffRate, Double(max(retryCount, 0)))
        if let cap = retrier.maxDelaySeconds { delay = min(delay, Double(cap)) }
        if !delay.isFinite { delay = Double(retrier.maxDelaySeconds ?? Int.max) }
        switch retrier.jitter {
        case .none: return delay
        case .full: return delay * min(max(random, 0), 1)
        }
    }
}
