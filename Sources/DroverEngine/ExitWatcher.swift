import CDroverSpawn
import Dispatch
import Foundation
import Synchronization

/// Waits for started processes to end, on a pool of reusable threads (one per process running at
/// once), and posts each exit to the inbox. Only the pids it is given are waited for, so other
/// child processes of the same program are left alone.
final class ExitWatcher: Sendable {
    struct Watch: Sendable {
        var pid: Int32
        var jobId: String
        var attempt: Int
        var logPath: String
    }

    private let state = Mutex<(pending: [Watch], idle: Int)>(([], 0))
    private let available = DispatchSemaphore(value: 0)
    private let inbox: Inbox

    init(inbox: Inbox) {
        self.inbox = inbox
    }

    /// Starts waiting for `watch.pid`.
    func watch(_ watch: Watch) {
        let needsThread = state.withLock { state in
            state.pending.append(watch)
            if state.idle > 0 {
                state.idle -= 1
                return false
            }
            return true
        }
        if needsThread {
            Thread.detachNewThread { [self] in loop() }
        }
        available.signal()
    }

    private func loop() {
        while true {
            available.wait()
            guard let watch = state.withLock({ $0.pending.isEmpty ? nil : $0.pending.removeFirst() }) else { continue }
            let status = drover_wait(watch.pid)
            var exit = ProcessExit(jobId: watch.jobId, attempt: watch.attempt)
            if status >= 0 {
                if status & 0x7f == 0 {
                    exit.exitCode = (status >> 8) & 0xff
                } else {
                    exit.signal = status & 0x7f
                }
            } else {
                exit.launchError = "lost track of process \(watch.pid)"
            }
            ProcessLauncher.removeIfEmpty(watch.logPath)
            inbox.post(exit)
            state.withLock { $0.idle += 1 }
        }
    }
}
