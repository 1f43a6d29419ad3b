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
    /// Attempts that start just as they are stopped (a cluster task that Slurm starts as it is taken off its queue):
    /// their start is reported before their end.
    var startsWhenStopped: Set<AttemptKey> = []
    private(set) var launches: [AttemptLaunch] = []
    private(set) var signals: [(key: AttemptKey, signal: Int32, killAfter: Double?)] = []
    /// Where start and end times come from (give it the engine's test clock).
    var clock: any EngineClock = SystemClock()
    private(set) var acknowledged: [AttemptKey] = []
    private(set) var reclaimed: [AttemptKey] = []
    private(set) var running: Set<AttemptKey> = []
    private var inbox = Inbox()
    private var nextPid: Int32 = 10_000
    /// Launches waiting for room in their environment, as the supervisor keeps them.
    private var queued: [AttemptLaunch] = []
    private var used: [String: Double] = [:]
    private var holding: [AttemptKey: (String, Double)] = [:]

    func attach(inbox: Inbox) throws(DroverError) -> InheritedAttempts {
        self.inbox = inbox
        for key in inherited.running.keys { running.insert(key) }
        return inherited
    }

    func launch(_ launch: AttemptLaunch) {
        launches.append(launch)
        onLaunch(launch)
        queued.append(launch)
        pump()
    }

    /// Starts queued launches, oldest first, while their environment has room.
    private func pump() {
        while let next = queued.first {
            if let room = next.room {
                let taken = used[room.name, default: 0]
                guard taken == 0 || taken + next.need.vcpus <= room.capacity.vcpus + 1e-9 else { return }
                used[room.name] = taken + next.need.vcpus
                holding[next.key] = (room.name, next.need.vcpus)
            }
            queued.removeFirst()
            run(next)
        }
    }

    private func release(_ key: AttemptKey) {
        running.remove(key)
        if let (name, vcpus) = holding.removeValue(forKey: key) { used[name, default: 0] -= vcpus }
    }

    private func run(_ launch: AttemptLaunch) {
        let key = launch.key
        switch script(launch) {
        case .cannotStart(let error, let transient):
            var exit = ProcessExit(key: key, launchError: error)
            exit.transient = transient
            release(key)
            inbox.post(.exited(exit))
        case .exit(let code):
            start(key)
            release(key)
            inbox.post(.exited(ProcessExit(key: key, exitCode: code, endedAt: clock.epochMillis())))
        case .signal(let number):
            start(key)
            release(key)
            inbox.post(.exited(ProcessExit(key: key, signal: number, endedAt: clock.epochMillis())))
        case .hang:
            start(key)
        }
    }

    private func start(_ key: AttemptKey) {
        nextPid += 1
        running.insert(key)
        inbox.post(.started(key, pid: nextPid, at: clock.epochMillis()))
    }

    /// Ends a hanging (or inherited) attempt.
    func finish(_ key: AttemptKey, _ exit: ProcessExit) {
        release(key)
        inbox.post(.exited(exit))
        pump()
    }

    func signal(_ key: AttemptKey, _ signal: Int32, killAfter: Double?) {
        signals.append((key, signal, killAfter))
        if let index = queued.firstIndex(where: { $0.key == key }) {
            queued.remove(at: index)
            var exit = ProcessExit(key: key, launchError: "stopped before it started")
            exit.neverStarted = true
            inbox.post(.exited(exit))
        } else if running.contains(key), signal == SIGTERM || signal == SIGKILL {
            if startsWhenStopped.remove(key) != nil { inbox.post(.started(key, pid: nil, at: clock.epochMillis())) }
            release(key)
            inbox.post(.exited(ProcessExit(key: key, signal: signal, endedAt: clock.epochMillis())))
            pump()
        }
    }

    func acknowledge(_ keys: [AttemptKey]) { acknowledged += keys }
    func reclaim(_ key: AttemptKey, pid: Int32?) { reclaimed.append(key) }
    func lost(_ connection: Int32) -> [ProcessExit] { [] }
    func detach() {}
}
