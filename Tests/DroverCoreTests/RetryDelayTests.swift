import DroverCore
import Testing

/// Retry delays: IntervalSeconds × BackoffRate^n, capped by MaxDelaySeconds, with FULL jitter drawn under the cap.
@Suite struct RetryDelayTests {
    static let cases: [(retrier: Retrier, retryCount: Int, random: Double, expected: Double)] = [
        // The defaults: 1 s, then 2 s, then 4 s.
        (Retrier(errorEquals: [StatesError.all]), 0, 0.5, 1),
        (Retrier(errorEquals: [StatesError.all]), 1, 0.5, 2),
        (Retrier(errorEquals: [StatesError.all]), 2, 0.5, 4),
        (Retrier(errorEquals: [StatesError.all], intervalSeconds: 3, backoffRate: 1.5), 2, 0, 6.75),
        (Retrier(errorEquals: [StatesError.all], intervalSeconds: 5, backoffRate: 1), 7, 0, 5),
        (Retrier(errorEquals: [StatesError.all], intervalSeconds: 2, maxDelaySeconds: 10), 2, 0, 8),
        (Retrier(errorEquals: [StatesError.all], intervalSeconds: 2, maxDelaySeconds: 10), 3, 0, 10),
        (Retrier(errorEquals: [StatesError.all], intervalSeconds: 2, maxDelaySeconds: 10), 3000, 0, 10),
        (Retrier(errorEquals: [StatesError.all], intervalSeconds: 2, maxDelaySeconds: 10, jitter: .full), 3, 0.25, 2.5),
        (Retrier(errorEquals: [StatesError.all], intervalSeconds: 2, jitter: .full), 1, 0.5, 2),
        (Retrier(errorEquals: [StatesError.all], intervalSeconds: 2, jitter: .full), 1, 0, 0),
        // A huge BackoffRate (finite or not) waits a year at most: a delay past any date would not fit in the wake time.
        (Retrier(errorEquals: [StatesError.all], intervalSeconds: 1, backoffRate: 1e300), 1, 0, RetryDelay.longest),
        (Retrier(errorEquals: [StatesError.all], intervalSeconds: 1, backoffRate: 1e300), 5, 0, RetryDelay.longest),
        (Retrier(errorEquals: [StatesError.all], intervalSeconds: 1, backoffRate: 1e300, jitter: .full), 1, 0.5, RetryDelay.longest / 2),
    ]

    @Test(arguments: cases)
    func delay(retrier: Retrier, retryCount: Int, random: Double, expected: Double) {
        #expect(RetryDelay.seconds(retrier: retrier, retryCount: retryCount, random: random) == expected)
    }

    @Test func fullJitterStaysUnderTheDelay() {
        let retrier = Retrier(errorEquals: ["Batch.ClientException"], intervalSeconds: 4, backoffRate: 3, maxDelaySeconds: 100, jitter: .full)
        for count in 0..<6 {
            let cap = RetryDelay.seconds(retrier: Retrier(errorEquals: [], intervalSeconds: 4, backoffRate: 3, maxDelaySeconds: 100),
                                         retryCount: count, random: 0)
            let drawn = RetryDelay.seconds(retrier: retrier, retryCount: count, random: 0.999)
            #expect(drawn >= 0 && drawn < cap)
        }
    }
}
