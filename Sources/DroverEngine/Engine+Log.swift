import DroverCore
import DroverStore
import Foundation
import Logging

/// What the engine says in its log (``EngineOptions/logger``): one place for the wording and the
/// metadata keys (`jobId`, `attempt`, `exitCode`, `signal`, `reason`, `statusReason`, `counts`,
/// `environment`, `queue`), so that a JSON log can be filtered by them.
extension Engine {
    /// The engine starts on its state directory.
    func logStarted() {
        options.logger.info("engine started on \(store.directory.path)", metadata: [
            "stateDir": .string(store.directory.path),
            "pid": .stringConvertible(getpid()),
            "pollInterval": .stringConvertible(options.pollInterval),
            "killGraceSeconds": .stringConvertible(options.killGraceSeconds),
            "memoryMiB": .stringConvertible(options.memoryMiB),
            "hostSlots": .stringConvertible(options.hostSlots),
            "seed": .stringConvertible(options.seed),
            "timeScale": .stringConvertible(options.timeScale),
        ])
    }

    /// The engine stops its running attempts (`stopJobs`): SIGTERM now, SIGKILL after `grace` seconds.
    func logStoppingJobs(grace: Double) {
        let count = running.values.filter(\.launched).count
        guard count > 0 else { return }
        options.logger.info("engine stopping: \(count) running attempt(s) get SIGTERM, SIGKILL after \(PlacementDecision.format(grace)) s, and go back to their queue",
                            metadata: ["mode": .string(Self.name(of: .stopJobs)), "running": .stringConvertible(count)])
    }

    /// The engine has stopped; `left` attempts go on under their supervisor.
    func logStopped(_ mode: Inbox.StopMode, left: Int) {
        let detail = left > 0 ? "\(left) attempt(s) left running under their supervisor; the next engine adopts them" : "no attempt left running"
        options.logger.info("engine stopped (\(Self.name(of: mode))): \(detail)", metadata: [
            "mode": .string(Self.name(of: mode)),
            "attemptsLeftRunning": .stringConvertible(left),
        ])
    }

    /// An attempt ended (or its end was found after a restart): job id, attempt, exit code or
    /// signal, status reason, and whether it counts against the job's attempts.
    func logEnded(_ key: AttemptKey, outcome: AttemptOutcome, counts: Bool, environment: String? = nil, found: Bool = false) {
        var metadata = Self.metadata(key)
        metadata["kind"] = .string(outcome.kind.rawValue)
        if let code = outcome.exitCode { metadata["exitCode"] = .stringConvertible(Int(code)) }
        if let signal = outcome.signal { metadata["signal"] = .string(SignalName.of(signal)) }
        if let reason = outcome.reason { metadata["reason"] = .string(reason) }
        metadata["statusReason"] = .string(outcome.statusReason)
        metadata["counts"] = .stringConvertible(counts)
        if let environment, !environment.isEmpty { metadata["environment"] = .string(environment) }
        let verb = found ? "ended while no engine ran" : "ended"
        let counted = counts ? "" : "; not counted, the job runs again"
        options.logger.info("attempt \(key.attempt) of \(key.jobId) \(verb): \(Self.summary(of: outcome)) (\(outcome.statusReason))\(counted)",
                            metadata: metadata)
    }

    /// `jobId` and `attempt`.
    static func metadata(_ key: AttemptKey) -> Logger.Metadata {
        ["jobId": .string(key.jobId), "attempt": .stringConvertible(key.attempt)]
    }

    /// `exit 3`, `killed by SIGTERM (exit 143)`, `could not start`, `timed out (exit 143)`.
    static func summary(of outcome: AttemptOutcome) -> String {
        var text: String
        switch outcome.kind {
        case .launchFailed: return "could not start: \(outcome.reason ?? "unknown error")"
        case .engineRestarted: return outcome.exitCode.map { "exit \($0)" } ?? "no exit recorded"
        case .exited: text = ""
        case .timedOut: text = "timed out"
        case .terminated: text = "terminated"
        case .interrupted: text = "interrupted"
        }
        var exit: String?
        if let signal = outcome.signal {
            exit = "killed by \(SignalName.of(signal))" + (outcome.exitCode.map { " (exit \($0))" } ?? "")
        } else if let code = outcome.exitCode {
            exit = "exit \(code)"
        }
        if outcome.outOfMemory { exit = (exit ?? "killed") + ", out of memory" }
        if let exit { text = text.isEmpty ? exit : "\(text), \(exit)" }
        return text.isEmpty ? "no exit code" : text
    }

    static func name(of mode: Inbox.StopMode) -> String {
        switch mode {
        case .detach: "detach"
        case .stopJobs: "stopJobs"
        }
    }
}
