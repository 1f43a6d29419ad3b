import Dispatch
import Synchronization

/// Where process events, the recorder's reports and stop requests reach the engine loop from
/// other threads.
public final class Inbox: Sendable {
    /// How the engine stops.
    public enum StopMode: Sendable {
        /// Leave running attempts to their supervisor: the next engine adopts them (SIGTERM,
        /// SIGHUP, an upgrade).
        case detach
        /// Stop running attempts and put them back in their queue, not counted (Ctrl-C on `drover run`).
        case stopJobs
    }

    private let events = Mutex<[ProcessEvent]>([])
    private let records = Mutex<[Recorded]>([])
    private let stopFlag = Mutex<StopMode?>(nil)
    private let nudged = Mutex(false)
    private let wakeup = DispatchSemaphore(value: 0)

    /// Creates an empty inbox.
    public init() {}

    /// Delivers a process event and wakes the engine.
    public func post(_ event: ProcessEvent) {
        events.withLock { $0.append(event) }
        wakeup.signal()
    }

    /// Delivers what the recorder wrote and wakes the engine.
    func post(_ record: Recorded) {
        records.withLock { $0.append(record) }
        wakeup.signal()
    }

    /// Number of recorder reports not yet taken.
    var pendingRecords: Int { records.withLock { $0.count } }

    /// Takes every recorder report delivered so far.
    func drainRecorded() -> [Recorded] {
        records.withLock { list in
            defer { list.removeAll(keepingCapacity: true) }
            return list
        }
    }

    /// Tells the engine that the store changed (a job submitted, a queue created by the API in the same process):
    /// it looks within 10 ms rather than at its next poll.
    public func nudge() {
        nudged.withLock { $0 = true }
        wakeup.signal()
    }

    /// Whether a nudge is waiting to be acted on.
    var isNudged: Bool { nudged.withLock { $0 } }

    /// Forgets the nudge (the engine is about to look at the store).
    func clearNudge() {
        nudged.withLock { $0 = false }
    }

    /// Asks the engine to stop. The first request decides how, except that `.stopJobs` wins over
    /// an earlier `.detach`.
    public func requestStop(_ mode: StopMode = .detach) {
        stopFlag.withLock { current in
            if current == nil || mode == .stopJobs { current = mode }
        }
        wakeup.signal()
    }

    /// Whether a stop was requested.
    public var stopRequested: Bool { stopFlag.withLock { $0 != nil } }

    /// How the engine was asked to stop, if it was.
    public var stopMode: StopMode? { stopFlag.withLock { $0 } }

    /// Takes every process event delivered so far, in order.
    func drain() -> [ProcessEvent] {
        events.withLock { list in
            defer { list.removeAll(keepingCapacity: true) }
            return list
        }
    }

    /// Waits until something is posted or `seconds` pass.
    func wait(seconds: Double) {
        _ = wakeup.wait(timeout: .now() + .nanoseconds(Int(min(max(0, seconds), 3600) * 1e9)))
    }
}
