/// How an attempt ended, as the retry rules see it.
public struct AttemptOutcome: Sendable, Equatable {
    /// Why the attempt ended, beyond its exit code.
    public enum Kind: String, Sendable, Equatable {
        /// The process exited or was killed by a signal on its own.
        case exited
        /// The command could not be started (not found, not executable...).
        case launchFailed
        /// The attempt ran past `attemptDurationSeconds`.
        case timedOut
        /// Stopped by `drover terminate` (or the parent's).
        case terminated
        /// The engine died while the attempt ran (found on restart).
        case engineRestarted
        /// The (simulated) instance it ran on was reclaimed: `Host EC2 (instance i-…) terminated.`
        case interrupted
    }

    /// What ended the attempt.
    public var kind: Kind
    /// Exit code (128+signal when a signal killed it, as container runtimes report); nil when it never ran.
    public var exitCode: Int32?
    /// `container.reason`, only where AWS sets one: a command that cannot start
    /// (`CannotStartContainerError: ...`) or an out-of-memory kill (``Reasons/outOfMemory``). None
    /// for an exit, a signal, a timeout, a terminate request or a lost host.
    public var reason: String?
    /// The job's `statusReason` for this attempt.
    public var statusReason: String
    /// The signal that ended the process, when one did.
    public var signal: Int32?
    /// Whether the engine stopped the process for using more memory than the job asked for.
    public var outOfMemory: Bool

    /// Creates an outcome.
    public init(kind: Kind, exitCode: Int32?, reason: String?, statusReason: String, signal: Int32? = nil, outOfMemory: Bool = false) {
        self.kind = kind
        self.exitCode = exitCode
        self.reason = reason
        self.statusReason = statusReason
        self.signal = signal
        self.outOfMemory = outOfMemory
    }

    /// A process that exited with `code` (statusReason `Essential container in task exited`).
    public static func exited(_ code: Int32, reason: String? = nil) -> AttemptOutcome {
        AttemptOutcome(kind: .exited, exitCode: code, reason: reason, statusReason: Reasons.containerExited)
    }
}

/// AWS Batch's reason strings, reproduced exactly.
public enum Reasons {
    /// statusReason after the container's process exits, successfully or not.
    public static let containerExited = "Essential container in task exited"
    /// statusReason of an attempt stopped by its timeout.
    public static let timeout = "Job attempt duration exceeded timeout"
    /// statusReason of a job failed because something it depends on failed.
    public static let dependentJobFailed = "Dependent Job failed"
    /// statusReason of an attempt found running when a new engine started after a crash.
    public static let engineRestarted = "Engine restarted while the job was running"
    /// statusReason of an array parent with a failed child.
    public static let arrayChildFailed = "Array Child Job failed"
    /// Default reason of `drover cancel` when none is given.
    public static let cancelledByUser = "Cancelled by user"
    /// Default reason of `drover terminate` when none is given.
    public static let terminatedByUser = "Terminated by user"
    /// `container.reason` of an attempt stopped for exceeding its memory, as AWS writes it.
    public static let outOfMemory = "OutOfMemoryError: Container killed due to memory usage"

    /// statusReason of an attempt whose instance was reclaimed or lost, exactly as AWS writes it.
    public static func hostTerminated(instance: String) -> String {
        "Host EC2 (instance \(instance)) terminated."
    }
}

/// The result of applying a retry strategy to an attempt.
public enum RetryDecision: Sendable, Equatable {
    /// Exit code 0: the job succeeded.
    case succeed
    /// Run another attempt; `rule` is the index of the `evaluateOnExit` rule that said RETRY, nil when none matched
    /// (attempts were left).
    case retry(rule: Int?)
    /// Run another attempt on the next compute environment of the queue (Drover's extension); `rule` is the index of
    /// the `evaluateOnExit` rule that said so.
    case retryNextEnvironment(rule: Int)
    /// The job fails; `why` tells which rule or limit decided.
    case fail(why: String)

    /// Decides what follows an attempt, as AWS Batch does.
    ///
    /// - Exit code 0 succeeds. Timed-out and terminated attempts are never retried.
    /// - With no attempts left the job fails. With `maxInterruptions` set (Drover's extension),
    ///   interrupted attempts count against that budget and not against `attempts`.
    /// - Otherwise the first `evaluateOnExit` rule whose conditions all match decides (RETRY, EXIT or
    ///   RETRY_NEXT_ENVIRONMENT); when no rule matches, the job is retried.
    /// - Parameters:
    ///   - attemptsUsed: attempts made so far, including this one.
    ///   - interruptionsUsed: of those, how many ended in a host interruption (this one included).
    public static func decide(strategy: RetryStrategy?, outcome: AttemptOutcome, attemptsUsed: Int, interruptionsUsed: Int = 0) -> RetryDecision {
        if outcome.kind == .exited, outcome.exitCode == 0 { return .succeed }
        switch outcome.kind {
        case .timedOut: return .fail(why: "timed-out attempts are not retried")
        case .terminated: return .fail(why: "terminated jobs are not retried")
        default: break
        }
        let attempts = strategy?.attempts ?? 1
        if let budget = strategy?.maxInterruptions {
            if outcome.kind == .interrupted {
                guard interruptionsUsed <= budget else {
                    return .fail(why: "interruption budget used up (\(interruptionsUsed) interruptions, maxInterruptions \(budget))")
                }
            } else {
                let used = attemptsUsed - interruptionsUsed
                guard used < attempts else {
                    return .fail(why: "no attempts left (\(used) of \(attempts) used, not counting \(interruptionsUsed) interruptions)")
                }
            }
        } else {
            guard attemptsUsed < attempts else {
                return .fail(why: "no attempts left (\(attemptsUsed) of \(attempts) used)")
            }
        }
        for (index, rule) in (strategy?.evaluateOnExit ?? []).enumerated() where rule.matches(outcome) {
            switch rule.parsedAction {
            case .exit?: return .fail(why: "evaluateOnExit[\(index)] says EXIT")
            case .retryNextEnvironment?: return .retryNextEnvironment(rule: index)
            default: return .retry(rule: index)
            }
        }
        return .retry(rule: nil)
    }
}

extension EvaluateOnExit {
    /// Whether every condition this rule gives matches the outcome.
    public func matches(_ outcome: AttemptOutcome) -> Bool {
        if let pattern = onExitCode, !ReasonPattern.matches(pattern, outcome.exitCode.map { String($0) }) { return false }
        if let pattern = onReason, !ReasonPattern.matches(pattern, outcome.reason) { return false }
        if let pattern = onStatusReason, !ReasonPattern.matches(pattern, outcome.statusReason) { return false }
        if let pattern = onSignal, !SignalName.matches(pattern, outcome.signal) { return false }
        if let oom = onOutOfMemory, oom != outcome.outOfMemory { return false }
        return true
    }
}
