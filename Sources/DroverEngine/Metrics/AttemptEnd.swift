import DroverCore

/// How an attempt ended, as `drover_attempts_ended_total` counts it: a small fixed set (the label's values).
public enum AttemptEnd: String, CaseIterable, Sendable {
    /// Exit code 0.
    case succeeded
    /// Exit code 1 to 127: the job's own failure.
    case exitCode1To127 = "exit_1_127"
    /// Exit code 128 or more (or out of range) with no signal seen: a shell reporting a killed child, a runtime's code.
    case exitCode128Plus = "exit_128_255"
    /// Killed by a signal the engine did not send.
    case signal
    /// Killed for using more memory than the job asked for.
    case outOfMemory = "out_of_memory"
    /// Ran past `attemptDurationSeconds`.
    case timeout
    /// Stopped by `drover terminate` or TerminateJob.
    case terminated
    /// Its command could not be started.
    case launchFailed = "launch_failed"
    /// Its (simulated) instance was reclaimed or its cluster node lost.
    case hostLost = "host_lost"
    /// Found running, or gone, by an engine that started after its engine died.
    case engineRestart = "engine_restart"
    /// Not counted against the retry budget: the engine stopped it (shutdown) or could not start it; the job runs again.
    case requeued

    /// The class of an attempt that ended with `outcome`; `counts` false when the engine or machine was at fault.
    public static func classify(_ outcome: AttemptOutcome, counts: Bool) -> AttemptEnd {
        guard counts else { return .requeued }
        switch outcome.kind {
        case .launchFailed: return .launchFailed
        case .timedOut: return .timeout
        case .terminated: return .terminated
        case .engineRestarted: return .engineRestart
        case .interrupted: return .hostLost
        case .exited:
            if outcome.outOfMemory { return .outOfMemory }
            if outcome.exitCode == 0 { return .succeeded }
            if outcome.signal != nil { return .signal }
            if let code = outcome.exitCode, (1...127).contains(code) { return .exitCode1To127 }
            return .exitCode128Plus
        }
    }
}
