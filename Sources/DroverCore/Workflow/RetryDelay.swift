// Placeholder: being written with the data language.

/// How long a retrier waits before a retry.
public enum RetryDelay {
    /// Seconds before retry `retryCount` (0: the first) of `retrier`; `random` in [0, 1) draws the jitter.
    public static func seconds(retrier: Retrier, retryCount: Int, random: Double) -> Double {
        Double(retrier.intervalSeconds)
    }
}
