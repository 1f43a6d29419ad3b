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
    }

    /// What ended the attempt.
    public var kind: Kind
    /// Exit code (128+signal when a signal killed it, as container runtimes report); nil when it never ran.
    public var exitCode: Int32?
    /// `container.reason`: detail such as the signal or the launch error.
    public var reason: String?
    /// The job's `statusReason` for this attempt.
    public var statusReason: String

    /// Creates an outcome.
    public init(kind: Kind, exitCode: Int32?, reason: String?, statusReason: String) {
        self.kind = kind
        self.exitCode = exitCode
        self.reason = reason
        self.statusReason = statusReason
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
}

/// The result of applying a retry strategy to an attempt.
public enum RetryDecision: Sendable, Equatable {
    /// Exit code 0: the job succeeded.
    case succeed
    /// Run another attempt.
    case retry
    /// The job fails; `why` tells which rule or limit decided.
    case fail(why: String)

    /// Decides what follows an attempt, as AWS Batch does.
    ///
    /// - Exit code 0 succeeds. Timed-out and terminated attempts are never retried.
    /// - With no attempts left the job fails.
    /// - Otherwise the first `evaluateOnExit` rule whose conditions all match decides (RETRY or EXIT);
    ///   when no rule matches, the job is retried.
    /// - Parameter attemptsUsed: attempts made so far, including this one.
    public static func decide(strategy: RetryStrategy?, outcome: AttemptOutcome, attemptsUsed: Int) -> RetryDecision {
        if outcome.kind == .exited, outcome.exitCode == 0 { return .succeed }
        switch outcome.kind {
        case .timedOut: return .fail(why: "timed-out attempts are not retried")
        case .terminated: return .fail(why: "terminated jobs are not retried")
        default: break
        }
        let attempts = strategy?.attempts ?? 1
        guard attemptsUsed < attempts else {
            return .fail(why: "no attempts left (\(attemptsUsed) of \(attempts) used)")
        }
        for (index, rule) in (strategy?.evaluateOnExit ?? []).enumerated() where rule.matches(outcome) {
            if rule.parsedAction == .exit { return .fail(why: "evaluateOnExit[\(index)] says EXIT") }
            return .retry
        }
        return .retry
    }
}

extension EvaluateOnExit {
    /// Whether every condition this rule gives matches the outcome.
    public func matches(_ outcome: AttemptOutcome) -> Bool {
        if let pattern = onExitCode, !ReasonPattern.matches(pattern, outcome.exitCode.map { String($0) }) { return false }
        if let pattern = onReason, !ReasonPattern.matches(pattern, outcome.reason) { return false }
        if let pattern = onStatusReason, !ReasonPattern.matches(pattern, outcome.statusReason) { return false }
        return true
    }
}
