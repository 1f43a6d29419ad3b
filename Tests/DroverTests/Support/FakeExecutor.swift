import DroverCore
@testable import DroverEngine
import DroverStore
import Foundation
import Synchronization

/// An executor for in-process engine tests: runs nothing, records what the engine asks, and ends
/// each attempt as the test's `script` says (at once, by default with exit 0).
final class FakeExecutor: Executor {
    /// How a launched attempt ends.
    enum Ending {
        case exit(Int32)
        case signal(Int32)
        /// It keeps running until the test ends it with ``finish(_:_:)``.
        case hang
        case cannotStart(String, transient: Bool)
    }

    var inherited = InheritedAttempts()
    var script: (AttemptLaunch) -> Ending = { _ in .exit(0) }
    /// Called at each launch, before the attempt "runs" (to check the store, or act as a racing user).
    var onLaunch: (AttemptLaunch) -> Void = { _ in }
    private(set) var launches: [AttemptLaunch] = []
    private(set) var signals: [(AttemptKey, Int32)] = []
    private(set) var acknowledged: [AttemptKey] = []
    private(set) var reclaimed: [AttemptKey] = []
    private(set) var running: Set<AttemptKey> = []
    private var inbox = Inbox()
    private var nextPid: Int32 = 10_000

    func attach(inbox: Inbox) throws(DroverError) -> InheritedAttempts {
        self.inbox = inbox
        for key in inherited.running.keys { running.insert(key) }
        return inherited
    }

    func launch(_ launch: AttemptLaunch) {
        launches.append(launch)
        onLaunch(launch)
        let key = launch.key
        switch script(launch) {
        case .cannotStart(let error, let transient):
            var exit = ProcessExit(key: key, launchError: error)
            exit.transient = transient
            inbox.post(.exited(exit))
        case .exit(let code):
            start(key)
            inbox.post(.exited(ProcessExit(key: key, exitCode: code, endedAt: nowMillis())))
            running.remove(key)
        case .signal(let number):
            start(key)
            inbox.post(.exited(ProcessExit(key: key, signal: number, endedAt: nowMillis())))
            running.remove(key)
        case .hang:
            start(key)
        }
    }

    private func start(_ key: AttemptKey) {
        nextPid += 1
        running.insert(key)
        inbox.post(.started(key, pid: nextPid, at: nowMillis()))
    }

    /// Ends a hanging (or inherited) attempt.
    func finish(_ key: AttemptKey, _ exit: ProcessExit) {
        running.remove(key)
        inbox.post(.exited(exit))
    }

    func signal(_ key: AttemptKey, _ signal: Int32, killAfter: Double?) {
        signals.append((key, signal))
        if running.contains(key), signal == SIGTERM || signal == SIGKILL {
            running.remove(key)
            inbox.post(.exited(ProcessExit(key: key, signal: signal, endedAt: nowMillis())))
        }
    }

    func acknowledge(_ keys: [AttemptKey]) { acknowledged += keys }
    func reclaim(_ key: AttemptKey, pid: Int32?) { reclaimed.append(key) }
    func lost(_ connection: Int32) -> [ProcessExit] { [] }
    func detach() {}
}
