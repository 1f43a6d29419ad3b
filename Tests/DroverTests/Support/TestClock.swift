import DroverCore
import DroverEngine
import Synchronization

/// A clock for in-process engine tests: it stands still until the test moves it.
final class TestClock: EngineClock {
    private let time = Mutex((monotonic: 1000.0, epochMillis: EpochMillis(1_700_000_000_000)))

    func monotonicSeconds() -> Double { time.withLock { $0.monotonic } }
    func epochMillis() -> EpochMillis { time.withLock { $0.epochMillis } }

    /// Moves both clocks `seconds` forward.
    func advance(by seconds: Double) {
        time.withLock {
            $0.monotonic += seconds
            $0.epochMillis += EpochMillis((seconds * 1000).rounded())
        }
    }
}
