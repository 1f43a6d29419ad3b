import Foundation

/// How long a `Retry` rule waits before a retry, as Step Functions computes it.
public enum RetryDelay {
    /// The longest delay, in seconds: a year, the largest `MaxDelaySeconds` and the longest a standard execution runs
    /// on Step Functions (a huge `BackoffRate` would otherwise give a delay past any date).
    public static let longest: Double = 31_622_400

    /// Seconds to wait before retry number `retryCount + 1` (`retryCount` 0: the first retry):
    /// `IntervalSeconds × BackoffRate^retryCount`, capped at `MaxDelaySeconds` when given; with the `FULL` jitter
    /// strategy, that delay times `random` (drawn uniformly from [0, 1) by the caller).
    public static func seconds(retrier: Retrier, retryCount: Int, random: Double) -> Double {
        var delay = Double(retrier.intervalSeconds) * pow(retrier.backoffRate, Double(max(retryCount, 0)))
        if let cap = retrier.maxDelaySeconds { delay = min(delay, Double(cap)) }
        if !(delay <= longest) { delay = longest }
        switch retrier.jitter {
        case .none: return delay
        case .full: return delay * min(max(random, 0), 1)
        }
    }
}
