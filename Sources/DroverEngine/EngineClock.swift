import DroverCore
import Dispatch

/// Where the engine reads the time: a monotonic clock for its intervals (polls, backoffs, the
/// simulated clock, grace periods) and the wall clock for the times it records. Tests inject a
/// clock they move by hand.
public protocol EngineClock: Sendable {
    /// Seconds on a clock that never goes back; its zero is arbitrary (not the epoch).
    func monotonicSeconds() -> Double
    /// Wall-clock time in milliseconds since the Unix epoch.
    func epochMillis() -> EpochMillis
}

/// The machine's clocks: uptime for monotonic seconds, the system time for the wall clock.
public struct SystemClock: EngineClock {
    /// Creates the system clock.
    public init() {}

    /// Seconds since boot.
    public func monotonicSeconds() -> Double {
        Double(DispatchTime.now().uptimeNanoseconds) / 1e9
    }

    /// The system time.
    public func epochMillis() -> EpochMillis {
        nowMillis()
    }
}
