import CDroverSpawn
import DroverCore
import Dispatch
import Foundation
import Synchronization

/// Starts job processes and waits for them on a pool of reusable threads (one per process running
/// at once), posting `started` and `exited` events to the inbox.
///
/// Starting happens here rather than on the engine's thread because `posix_spawn` blocks its caller
/// until the new program has been loaded. Only the pids started here are waited for, so other child
/// processes of the same program are left alone.
final class ProcessWorkers: Sendable {
    /// One process to start.
    struct Launch: Sendable {
        var jobId: String
        var attempt: Int
        /// The executable resolved from PATH, or nil to let the spawn search PATH itself.
        var executable: String?
        var command: [String]
        var environment: [String]
        var logPath: String
    }

    private let state = Mutex<(pending: [Launch], idle: Int)>(([], 0))
    private let available = DispatchSemaphore(value: 0)
    private let inbox: Inbox

    init(inbox: Inbox) {
        self.inbox = inbox
    }

    /// Hands a process to a worker thread (a new one when none is idle).
    func launch(_ launch: Launch) {
        let needsThread = state.withLock { state in
            state.pending.append(launch)
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
            guard let launch = state.withLock({ $0.pending.isEmpty ? nil : $0.pending.removeFirst() }) else { continue }
            run(launch)
            state.withLock { $0.idle += 1 }
        }
    }

    private func run(_ launch: Launch) {
        var pid: pid_t = 0
        let rc = withCStrings(launch.command) { argv in
            withCStrings(launch.environment) { envp in
                drover_spawn(launch.executable, argv, envp, launch.logPath, &pid)
            }
        }
        var exit = ProcessExit(jobId: launch.jobId, attempt: launch.attempt)
        guard rc == 0 else {
            exit.launchError = "cannot run '\(launch.command.first ?? "")': \(String(cString: strerror(rc)))"
            inbox.post(.exited(exit))
            return
        }
        inbox.post(.started(jobId: launch.jobId, attempt: launch.attempt, pid: pid, at: nowMillis()))
        let status = drover_wait(pid)
        if status >= 0 {
            if status & 0x7f == 0 {
                exit.exitCode = (status >> 8) & 0xff
            } else {
                exit.signal = status & 0x7f
            }
        } else {
            exit.launchError = "lost track of process \(pid)"
        }
        ProcessLauncher.removeIfEmpty(launch.logPath)
        inbox.post(.exited(exit))
    }
}
