import DroverCore
import Testing

/// Retry-rule evaluation, table-driven against the behaviour AWS Batch documents.
struct RetryDecisionTests {
    static let spotReclaim = AttemptOutcome(kind: .exited, exitCode: nil, reason: nil,
                                            statusReason: "Host EC2 (instance i-0123456789abcdef0) terminated.")
    static let pullError = AttemptOutcome(kind: .launchFailed, exitCode: nil,
                                          reason: "CannotPullContainerError: pull image manifest has been retried 1 time(s)",
                                          statusReason: "Task failed to start")
    /// AWS's documented example: retry host failures, exit on everything else.
    static let hostRetry = RetryStrategy(attempts: 5, evaluateOnExit: [
        EvaluateOnExit(action: "RETRY", onStatusReason: "Host EC2*"),
        EvaluateOnExit(action: "EXIT", onReason: "*"),
    ])
    /// AWS's documented example: retry exit codes starting with 1 (and pull errors), exit otherwise.
    static let exitCodeRules = RetryStrategy(attempts: 3, evaluateOnExit: [
        EvaluateOnExit(action: "retry", onReason: "CannotPullContainerError:*"),
        EvaluateOnExit(action: "Retry", onExitCode: "1*"),
        EvaluateOnExit(action: "EXIT", onReason: "*"),
    ])

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var strategy: RetryStrategy?
        var outcome: AttemptOutcome
        var attemptsUsed: Int
        var expected: String
        var interruptionsUsed = 0
        var testDescription: String { name }
    }

    /// An attempt whose simulated instance was reclaimed (the process ignored SIGTERM and got SIGKILL).
    static let interrupted = AttemptOutcome(kind: .interrupted, exitCode: nil, reason: nil,
                                            statusReason: Reasons.hostTerminated(instance: "i-0123456789abcdef0"), signal: 9)
    /// Drover's extension: interruptions in their own budget, application failures keep their attempts.
    static let budget = RetryStrategy(attempts: 2, evaluateOnExit: [EvaluateOnExit(action: "RETRY", onStatusReason: "Host EC2*")], maxInterruptions: 3)
    static let moveOn = RetryStrategy(attempts: 3, evaluateOnExit: [
        EvaluateOnExit(action: "RETRY_NEXT_ENVIRONMENT", onStatusReason: "Host EC2*"),
        EvaluateOnExit(action: "EXIT", onReason: "*"),
    ])
    static let signalRules = RetryStrategy(attempts: 3, evaluateOnExit: [
        EvaluateOnExit(action: "RETRY", onSignal: "SIGKILL"),
        EvaluateOnExit(action: "EXIT", onExitCode: "*"),
    ])
    static let memoryRules = RetryStrategy(attempts: 3, evaluateOnExit: [
        EvaluateOnExit(action: "EXIT", onOutOfMemory: true),
    ])
    static let outOfMemory = AttemptOutcome(kind: .exited, exitCode: 137, reason: Reasons.outOfMemory, statusReason: Reasons.containerExited,
                                            signal: 9, outOfMemory: true)

    static let extensionCases: [Case] = [
        Case(name: "reclaim text is AWS's", strategy: hostRetry, outcome: interrupted, attemptsUsed: 1, expected: "retry", interruptionsUsed: 1),
        Case(name: "no strategy: a reclaim fails the job", strategy: nil, outcome: interrupted, attemptsUsed: 1, expected: "fail", interruptionsUsed: 1),
        Case(name: "without maxInterruptions, reclaims use attempts", strategy: hostRetry, outcome: interrupted, attemptsUsed: 5, expected: "fail", interruptionsUsed: 5),
        Case(name: "budget: third reclaim of three is retried", strategy: budget, outcome: interrupted, attemptsUsed: 3, expected: "retry", interruptionsUsed: 3),
        Case(name: "budget: fourth reclaim fails", strategy: budget, outcome: interrupted, attemptsUsed: 4, expected: "fail", interruptionsUsed: 4),
        Case(name: "budget: app failure after reclaims still has its attempts", strategy: budget, outcome: .exited(1), attemptsUsed: 4, expected: "retry", interruptionsUsed: 3),
        Case(name: "budget: app failures use attempts only", strategy: budget, outcome: .exited(1), attemptsUsed: 5, expected: "fail", interruptionsUsed: 3),
        Case(name: "RETRY_NEXT_ENVIRONMENT on a reclaim", strategy: moveOn, outcome: interrupted, attemptsUsed: 1, expected: "retry-next", interruptionsUsed: 1),
        Case(name: "RETRY_NEXT_ENVIRONMENT rule does not match app errors", strategy: moveOn, outcome: .exited(3), attemptsUsed: 1, expected: "fail"),
        Case(name: "onSignal SIGKILL matches a killed process", strategy: signalRules, outcome: interrupted, attemptsUsed: 1, expected: "retry", interruptionsUsed: 1),
        Case(name: "onSignal SIGKILL does not match SIGTERM",
             strategy: signalRules, outcome: AttemptOutcome(kind: .exited, exitCode: 143, reason: nil, statusReason: Reasons.containerExited, signal: 15),
             attemptsUsed: 1, expected: "fail"),
        Case(name: "onOutOfMemory matches", strategy: memoryRules, outcome: outOfMemory, attemptsUsed: 1, expected: "fail"),
        Case(name: "onOutOfMemory true skips other failures", strategy: memoryRules, outcome: .exited(1), attemptsUsed: 1, expected: "retry"),
    ]

    @Test(arguments: extensionCases)
    func decidesExtensions(_ example: Case) {
        #expect(Self.label(example) == example.expected)
    }

    @Test func hostTerminatedReasonIsAWSText() {
        #expect(Reasons.hostTerminated(instance: "i-0123456789abcdef0") == "Host EC2 (instance i-0123456789abcdef0) terminated.")
        #expect(ReasonPattern.matches("Host EC2*", Self.interrupted.statusReason))
        #expect(SignalName.matches("KILL", 9) && SignalName.matches("9", 9) && SignalName.matches("SIGK*", 9) && !SignalName.matches("SIGTERM", 9))
        #expect(SignalName.problem(in: "SIGNOPE") != nil && SignalName.problem(in: "SIGTERM") == nil)
    }

    static func label(_ example: Case) -> String {
        switch RetryDecision.decide(strategy: example.strategy, outcome: example.outcome, attemptsUsed: example.attemptsUsed,
                                    interruptionsUsed: example.interruptionsUsed) {
        case .succeed: return "succeed"
        case .retry: return "retry"
        case .retryNextEnvironment: return "retry-next"
        case .fail: return "fail"
        }
    }

    static let cases: [Case] = [
        Case(name: "exit 0 succeeds", strategy: nil, outcome: .exited(0), attemptsUsed: 1, expected: "succeed"),
        Case(name: "no strategy: one attempt", strategy: nil, outcome: .exited(1), attemptsUsed: 1, expected: "fail"),
        Case(name: "attempts left, no rules: retry", strategy: RetryStrategy(attempts: 3), outcome: .exited(1), attemptsUsed: 1, expected: "retry"),
        Case(name: "attempts used up", strategy: RetryStrategy(attempts: 3), outcome: .exited(1), attemptsUsed: 3, expected: "fail"),
        Case(name: "spot reclaim matches Host EC2*", strategy: hostRetry, outcome: spotReclaim, attemptsUsed: 1, expected: "retry"),
        Case(name: "application error hits EXIT *", strategy: hostRetry, outcome: .exited(2), attemptsUsed: 1, expected: "fail"),
        Case(name: "spot reclaim on the last attempt fails", strategy: hostRetry, outcome: spotReclaim, attemptsUsed: 5, expected: "fail"),
        Case(name: "exit 1 matches 1*", strategy: exitCodeRules, outcome: .exited(1), attemptsUsed: 1, expected: "retry"),
        Case(name: "exit 137 matches 1*", strategy: exitCodeRules, outcome: .exited(137), attemptsUsed: 1, expected: "retry"),
        Case(name: "exit 2 falls to EXIT", strategy: exitCodeRules, outcome: .exited(2), attemptsUsed: 1, expected: "fail"),
        Case(name: "pull error retried, action case-insensitive", strategy: exitCodeRules, outcome: pullError, attemptsUsed: 2, expected: "retry"),
        Case(name: "no rule matches: retry", strategy: RetryStrategy(attempts: 2, evaluateOnExit: [EvaluateOnExit(action: "EXIT", onExitCode: "5")]),
             outcome: .exited(6), attemptsUsed: 1, expected: "retry"),
        Case(name: "exact exit code does not match a longer code", strategy: RetryStrategy(attempts: 2, evaluateOnExit: [
            EvaluateOnExit(action: "EXIT", onExitCode: "1"), EvaluateOnExit(action: "RETRY", onExitCode: "*")]),
             outcome: .exited(10), attemptsUsed: 1, expected: "retry"),
        Case(name: "first matching rule wins", strategy: RetryStrategy(attempts: 4, evaluateOnExit: [
            EvaluateOnExit(action: "EXIT", onExitCode: "3"), EvaluateOnExit(action: "RETRY", onExitCode: "3")]),
             outcome: .exited(3), attemptsUsed: 1, expected: "fail"),
        Case(name: "all conditions of a rule must match", strategy: RetryStrategy(attempts: 4, evaluateOnExit: [
            EvaluateOnExit(action: "EXIT", onStatusReason: "Essential*", onExitCode: "9"), EvaluateOnExit(action: "RETRY", onExitCode: "*")]),
             outcome: .exited(8), attemptsUsed: 1, expected: "retry"),
        Case(name: "statusReason patterns are case-sensitive", strategy: RetryStrategy(attempts: 2, evaluateOnExit: [
            EvaluateOnExit(action: "EXIT", onStatusReason: "essential*")]),
             outcome: .exited(1), attemptsUsed: 1, expected: "retry"),
        Case(name: "a prefix pattern never matches a missing exit code", strategy: RetryStrategy(attempts: 2, evaluateOnExit: [
            EvaluateOnExit(action: "EXIT", onExitCode: "1*")]),
             outcome: spotReclaim, attemptsUsed: 1, expected: "retry"),
        Case(name: "a bare * matches a missing exit code", strategy: RetryStrategy(attempts: 2, evaluateOnExit: [
            EvaluateOnExit(action: "EXIT", onExitCode: "*")]),
             outcome: spotReclaim, attemptsUsed: 1, expected: "fail"),
        Case(name: "timed-out attempts are not retried", strategy: RetryStrategy(attempts: 5),
             outcome: AttemptOutcome(kind: .timedOut, exitCode: 143, reason: nil, statusReason: Reasons.timeout), attemptsUsed: 1, expected: "fail"),
        Case(name: "terminated jobs are not retried", strategy: RetryStrategy(attempts: 5, evaluateOnExit: [EvaluateOnExit(action: "RETRY", onReason: "*")]),
             outcome: AttemptOutcome(kind: .terminated, exitCode: 143, reason: nil, statusReason: "stop it"), attemptsUsed: 1, expected: "fail"),
        Case(name: "engine restart is retried while attempts remain", strategy: RetryStrategy(attempts: 2),
             outcome: AttemptOutcome(kind: .engineRestarted, exitCode: nil, reason: nil, statusReason: Reasons.engineRestarted), attemptsUsed: 1, expected: "retry"),
    ]

    @Test(arguments: cases)
    func decides(_ example: Case) {
        #expect(Self.label(example) == example.expected)
    }

    @Test(arguments: [
        ("Host EC2*", ReasonPattern.Kind.reason, true),
        ("CannotPullContainerError:*", .reason, true),
        ("*", .reason, true),
        ("Task failed\tto start", .reason, true),
        ("1*", .exitCode, true),
        ("137", .exitCode, true),
        ("*", .exitCode, true),
        ("Host (EC2)*", .reason, false),
        ("Host*EC2", .reason, false),
        ("a-b", .reason, false),
        ("1a", .exitCode, false),
        ("-1", .exitCode, false),
        ("", .reason, false),
    ])
    func validatesPatterns(pattern: String, kind: ReasonPattern.Kind, valid: Bool) {
        #expect((ReasonPattern.problem(in: pattern, kind: kind) == nil) == valid)
    }

    @Test func rejectsLongPatterns() {
        #expect(ReasonPattern.problem(in: String(repeating: "a", count: 513), kind: .reason) != nil)
        #expect(ReasonPattern.problem(in: String(repeating: "a", count: 512), kind: .reason) == nil)
    }
}

/// A retry names the `evaluateOnExit` rule that decided it (nil: none matched, attempts were left), for the metrics.
struct RetryDecisionRuleTests {
    @Test(arguments: [
        (RetryStrategy(attempts: 3), AttemptOutcome.exited(1), RetryDecision.retry(rule: nil)),
        (RetryDecisionTests.exitCodeRules, .exited(12), .retry(rule: 1)),
        (RetryDecisionTests.exitCodeRules, RetryDecisionTests.pullError, .retry(rule: 0)),
        (RetryDecisionTests.hostRetry, RetryDecisionTests.spotReclaim, .retry(rule: 0)),
        (RetryStrategy(attempts: 3, evaluateOnExit: [EvaluateOnExit(action: "EXIT", onExitCode: "2"),
                                                     EvaluateOnExit(action: "RETRY_NEXT_ENVIRONMENT", onExitCode: "*")]),
         .exited(1), .retryNextEnvironment(rule: 1)),
    ])
    func rules(strategy: RetryStrategy, outcome: AttemptOutcome, expected: RetryDecision) {
        #expect(RetryDecision.decide(strategy: strategy, outcome: outcome, attemptsUsed: 1) == expected)
    }
}
