import Dispatch
import Synchronization

/// Where process exits and stop requests reach the engine loop from other threads.
public final class Inbox: Sendable {
    private let events = Mutex<[ProcessEvent]>([])
    private let records = Mutex<[Recorded]>([])
    private let stopFlag = Mutex<Bool>(false)
    private let wakeup = DispatchSemaphore(value: 0)

    /// Creates an empty inbox.
    public init() {}

    /// Delivers a process event and wakes the engine.
    func post(_ event: ProcessEvent) {
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

    /// Asks the engine to stop: running attempts are stopped and put back to RUNNABLE.
    public func requestStop() {
        stopFlag.withLock { $0 = true }
        wakeup.signal()
    }

    /// Whether a stop was requested.
    public var stopRequested: Bool { stopFlag.withLock { $0 } }

    /// Takes every process event delivered so far, in order.
    func drain() -> [ProcessEvent] {
        events.withLock { list in
            defer { list.removeAll(keepingCapacity: true) }
            return list
        }
    }

    /// Waits until something is posted or `seconds` pass.
    func wait(seconds: Double) {
        _ = wakeup.wait(timeout: .now() + .nanoseconds(Int(max(0, seconds) * 1e9)))
    }
}
