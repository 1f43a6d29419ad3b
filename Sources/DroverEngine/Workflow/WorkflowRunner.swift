import DroverCore
import DroverStore
import Foundation
import Logging
import Synchronization

/// Advances the running workflow executions of a store, on a thread of its own, while an engine runs their jobs:
/// every engine runs one, so whichever process holds the state directory's engine carries the executions on.
final class WorkflowRunner: Sendable {
    private let closed = Mutex(false)
    private let signal = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)
    private let store: Store
    private let hooks: WorkflowHooks
    private let logger: Logger
    private let now: @Sendable () -> EpochMillis
    private let nudge: @Sendable () -> Void
    /// Longest wait between two looks at the store while executions run (another process may start or stop one, and
    /// a job may end without this engine's recorder: a cancel).
    static let pollSeconds = 0.25

    /// Starts the runner; `nudge` tells the engine that jobs were submitted or asked to stop.
    init(store: Store, hooks: WorkflowHooks, logger: Logger, now: @escaping @Sendable () -> EpochMillis, nudge: @escaping @Sendable () -> Void) {
        self.store = store
        self.hooks = hooks
        self.logger = logger
        self.now = now
        self.nudge = nudge
        Thread.detachNewThread { [self] in
            loop()
            done.signal()
        }
    }

    /// Looks at the store now (a job ended).
    func wake() {
        signal.signal()
    }

    /// Stops the runner and waits for its pass to end.
    func close() {
        closed.withLock { $0 = true }
        signal.signal()
        done.wait()
    }

    private func loop() {
        var lastWarning = -Double.infinity
        var cursor = WorkflowCursor()
        while !closed.withLock({ $0 }) {
            var wait = Self.pollSeconds
            do {
                let report = try store.advanceWorkflows(now: now(), hooks: hooks, cursor: &cursor)
                if report.submitted > 0 || report.terminated > 0 { nudge() }
                if report.more { continue }
                if try !store.hasRunningExecutions() {
                    wait = 1
                } else if let next = try store.nextWorkflowWake() {
                    wait = min(wait, max(0, Double(next - now()) / 1000))
                }
            } catch {
                // The store is busy or the disk full: try again soon, and say so now and then.
                let time = Date().timeIntervalSince1970
                if time - lastWarning > 30 {
                    lastWarning = time
                    logger.warning("cannot advance the workflows: \(error)")
                }
                wait = 1
            }
            _ = signal.wait(timeout: .now() + wait)
        }
    }
}
