import DroverCore
import DroverStore
import Foundation

extension Engine {
    /// Finds attempts left STARTING or RUNNING by an engine that died, stops their processes if they
    /// are still alive, and records them: retried or failed per the job's rules, with a statusReason
    /// that says the engine restarted.
    func recover() throws(DroverError) {
        var batch = EngineBatch()
        let now = nowMillis()
        for orphan in try store.orphans() {
            if let pid = orphan.pid, Self.process(pid, belongsTo: orphan.id) {
                ProcessLauncher.signalGroup(pid, SIGKILL)
            }
            let outcome = orphan.terminateReason.map { AttemptOutcome(kind: .terminated, exitCode: nil, reason: nil, statusReason: $0) }
                ?? AttemptOutcome(kind: .engineRestarted, exitCode: nil, reason: nil, statusReason: Reasons.engineRestarted)
            batch.finished.append(FinishedAttempt(id: orphan.id, attempt: orphan.attempt, outcome: outcome, at: now))
        }
        if !batch.isEmpty { _ = try store.commit(batch) }
        try store.endSimulation(reason: "the engine stopped")
    }

    /// Whether process `pid` is the one started for job `id` (its environment names the job).
    static func process(_ pid: Int32, belongsTo id: String) -> Bool {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return false }
        let marker = Data("AWS_BATCH_JOB_ID=\(id)\0".utf8)
        return data.range(of: marker) != nil
    }

    /// Stops every running attempt (SIGTERM, SIGKILL after the grace period), records them as
    /// interrupted (back to RUNNABLE, attempt not counted) and writes what is left.
    func shutdown() throws(DroverError) {
        let start = Self.monotonic()
        for id in running.keys {
            running[id]?.stopKind = .shutdown
            if let pid = running[id]?.pid {
                ProcessLauncher.signalGroup(pid, SIGTERM)
            }
        }
        var batch = EngineBatch()
        var killed = false
        while !running.isEmpty {
            batch.finished += handle(inbox.drain())
            if running.isEmpty { break }
            let waited = Self.monotonic() - start
            if !killed && waited >= min(options.killGraceSeconds, 10) {
                for attempt in running.values { if let pid = attempt.pid { ProcessLauncher.signalGroup(pid, SIGKILL) } }
                killed = true
            }
            if waited > min(options.killGraceSeconds, 10) + 10 { break }
            inbox.wait(seconds: 0.05)
        }
        batch.started = pendingStarts
        pendingStarts.removeAll()
        batch.instances = try stopSimulation(now: Self.monotonic())
        if !batch.isEmpty { _ = try store.commit(batch) }
    }
}
