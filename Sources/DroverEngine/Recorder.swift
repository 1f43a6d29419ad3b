import DroverCore
import DroverStore
import Foundation
import Logging
import Synchronization

/// What the recorder wrote, reported back to the engine loop.
struct Recorded: Sendable {
    /// Every job the written batches claimed.
    var claims: [String] = []
    /// The claims the store accepted (the others were cancelled meanwhile).
    var accepted: Set<String> = []
    /// Attempts whose end is now written.
    var finished: [AttemptKey] = []
    /// Whether some job became RUNNABLE (a retry or a released dependency).
    var becameRunnable = false
}

/// Writes engine batches to the store on its own thread, so that the engine loop never waits for
/// the database. Batches handed over while a write is in progress are merged and written together
/// (group commit).
///
/// A write that fails (a full disk, a database locked past its busy timeout) is retried with
/// backoff, from 50 ms up to 5 s, and said in the log once (warning); nothing is dropped and the
/// engine goes on supervising its jobs meanwhile. Retries the store decided on are logged (info).
final class Recorder: Sendable {
    private struct State {
        var pending = EngineBatch()
        var busy = false
        var closed = false
    }

    private let state = Mutex(State())
    private let work = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)
    private let store: Store
    private let inbox: Inbox
    private let logger: Logger
    private let metrics: EngineMetrics

    init(store: Store, inbox: Inbox, logger: Logger, metrics: EngineMetrics = .disabled) {
        self.store = store
        self.inbox = inbox
        self.logger = logger
        self.metrics = metrics
        Thread.detachNewThread { [self] in
            loop()
            done.signal()
        }
    }

    /// Queues `batch` to be written after whatever is queued already.
    func record(_ batch: EngineBatch) {
        state.withLock { state in state.pending.merge(batch) }
        work.signal()
    }

    /// Whether everything handed over has been written.
    var isIdle: Bool { state.withLock { !$0.busy && $0.pending.isEmpty } }

    /// Waits until everything handed over has been written, or `timeout` seconds pass (the store
    /// may stay full); returns whether it was all written.
    @discardableResult
    func flush(timeout: Double = .infinity) -> Bool {
        let deadline = Date().addingTimeInterval(min(timeout, 1e9))
        while !isIdle {
            if Date() >= deadline { return false }
            work.signal()
            Thread.sleep(forTimeInterval: 0.001)
        }
        return true
    }

    /// Ends the recorder's thread (after what is queued is written, or given up on).
    func close() {
        state.withLock { $0.closed = true }
        work.signal()
        done.wait()
    }

    private func loop() {
        var backoff = 0.0
        var failing: String?
        while true {
            let taken = state.withLock { state -> EngineBatch? in
                guard !state.pending.isEmpty else { return nil }
                state.busy = true
                defer { state.pending = EngineBatch() }
                return state.pending
            }
            guard let batch = taken else {
                if state.withLock({ $0.closed }) { return }
                work.wait()
                continue
            }
            do {
                let began = metrics.isEnabled ? ContinuousClock.now : nil
                let result = try store.commit(batch)
                if let began { measure(batch, result, duration: ContinuousClock.now - began) }
                if let failing {
                    logger.notice("the store takes writes again", metadata: ["error": .string(failing)])
                }
                logDecisions(batch, result)
                failing = nil
                backoff = 0
                // A hand-over is a claim made while the job waits on its dependencies: it starts the same way.
                var report = Recorded(claims: batch.claims.map(\.job.id) + batch.holds.map(\.job.id))
                report.accepted = Set(result.claimed.map(\.id) + result.held.map(\.id))
                report.finished = batch.finished.map { AttemptKey(jobId: $0.id, attempt: $0.attempt) }
                report.becameRunnable = result.becameRunnable
                state.withLock { $0.busy = false }
                inbox.post(report)
            } catch {
                if failing != error.message {
                    logger.warning("cannot write to the store (\(error.message)); running jobs go on, and the write is retried until it succeeds",
                                   metadata: ["error": .string(error.message), "stateDir": .string(store.directory.path)])
                    failing = error.message
                }
                backoff = min(5, max(0.05, backoff * 2))
                let closed = state.withLock { state -> Bool in
                    var merged = batch
                    merged.merge(state.pending)
                    state.pending = merged
                    state.busy = false
                    return state.closed
                }
                // A closing engine gives up after a few tries: the next engine finds the same facts
                // with its supervisor.
                if closed && backoff >= 5 { return }
                Thread.sleep(forTimeInterval: backoff)
            }
        }
    }
}

extension Recorder {
    /// Records a written batch in the metrics: how long it took and how big it was, how its attempts ended (those the
    /// store accepted) and which rules retried them.
    private func measure(_ batch: EngineBatch, _ result: BatchResult, duration: Duration) {
        let changes = batch.claims.count + batch.holds.count + batch.started.count + batch.finished.count + batch.reasons.count
            + batch.instances.count
        metrics.committed(changes: changes, duration: duration)
        for item in batch.finished where result.decisions[item.id] != nil {
            metrics.attemptEnded(AttemptEnd.classify(item.outcome, counts: item.counts))
        }
        for retry in result.retries { metrics.retried(retry) }
    }

    /// Says what the store decided for each written attempt end: a retry (info: the job is
    /// RUNNABLE again and its next attempt starts when there is room) or the job's end (debug).
    private func logDecisions(_ batch: EngineBatch, _ result: BatchResult) {
        for item in batch.finished where item.counts {
            guard let decision = result.decisions[item.id] else { continue }
            var metadata = Engine.metadata(AttemptKey(jobId: item.id, attempt: item.attempt))
            metadata["status"] = .string(decision.rawValue)
            if decision == .runnable {
                metadata["nextAttempt"] = .stringConvertible(item.attempt + 1)
                logger.info("job \(item.id) will be retried: attempt \(item.attempt) ended with \(Engine.summary(of: item.outcome))",
                            metadata: metadata)
            } else {
                logger.debug("job \(item.id) \(decision.rawValue) after attempt \(item.attempt)", metadata: metadata)
            }
        }
    }
}
