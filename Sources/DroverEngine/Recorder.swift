import DroverCore
import DroverStore
import Foundation
import Synchronization

/// What the recorder wrote, reported back to the engine loop.
struct Recorded: Sendable {
    /// Every job the written batches claimed.
    var claims: [String] = []
    /// The claims the store accepted (the others were cancelled meanwhile).
    var accepted: Set<String> = []
    /// Whether some job became RUNNABLE (a retry or a released dependency).
    var becameRunnable = false
    /// Set when the write failed.
    var failure: DroverError?
}

/// Writes engine batches to the store on its own thread, so that starting processes never waits
/// for the database. Batches handed over while a write is in progress are merged and written
/// together (group commit).
final class Recorder: Sendable {
    private let state = Mutex<(pending: EngineBatch, busy: Bool)>((EngineBatch(), false))
    private let work = DispatchSemaphore(value: 0)
    private let store: Store
    private let inbox: Inbox

    init(store: Store, inbox: Inbox) {
        self.store = store
        self.inbox = inbox
        Thread.detachNewThread { [self] in loop() }
    }

    /// Queues `batch` to be written after whatever is queued already.
    func record(_ batch: EngineBatch) {
        state.withLock { state in state.pending.merge(batch) }
        work.signal()
    }

    /// Whether everything handed over has been written.
    var isIdle: Bool { state.withLock { !$0.busy && $0.pending.isEmpty } }

    /// Waits until everything handed over has been written.
    func flush() {
        while !isIdle { Thread.sleep(forTimeInterval: 0.001) }
    }

    private func loop() {
        while true {
            work.wait()
            // A moment's wait gathers what follows (starts, exits) into the same transaction.
            Thread.sleep(forTimeInterval: 0.002)
            let batch = state.withLock { state -> EngineBatch? in
                guard !state.pending.isEmpty else { return nil }
                state.busy = true
                defer { state.pending = EngineBatch() }
                return state.pending
            }
            guard let batch else { continue }
            var report = Recorded(claims: batch.claims.map(\.job.id))
            do {
                let result = try store.commit(batch)
                report.accepted = Set(result.claimed.map(\.id))
                report.becameRunnable = result.becameRunnable
            } catch {
                report.failure = error
            }
            state.withLock { $0.busy = false }
            inbox.post(report)
        }
    }
}
