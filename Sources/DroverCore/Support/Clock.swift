import Foundation

/// Milliseconds since the Unix epoch, the unit AWS Batch uses for `createdAt`, `startedAt` and `stoppedAt`.
public typealias EpochMillis = Int64

/// Current wall-clock time in epoch milliseconds.
public func nowMillis() -> EpochMillis {
    EpochMillis((Date().timeIntervalSince1970 * 1000).rounded())
}
