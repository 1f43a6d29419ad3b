import DroverCore
@testable import DroverEngine
import Foundation
import Testing

/// The engine's metrics: how an ended attempt is classed, and the label values of a retry, from tables.
struct EngineMetricsTests {
    static let key = AttemptKey(jobId: "j", attempt: 1)

    @Test(arguments: [
        (AttemptOutcome.exited(0), true, AttemptEnd.succeeded),
        (.exited(1), true, .exitCode1To127),
        (.exited(127), true, .exitCode1To127),
        (.exited(128), true, .exitCode128Plus),
        (.exited(255), true, .exitCode128Plus),
        (.exited(-1), true, .exitCode128Plus),
        (AttemptOutcome(kind: .exited, exitCode: 143, reason: nil, statusReason: Reasons.containerExited, signal: SIGTERM), true, .signal),
        (AttemptOutcome(kind: .exited, exitCode: 137, reason: Reasons.outOfMemory, statusReason: Reasons.containerExited, signal: SIGKILL,
                        outOfMemory: true), true, .outOfMemory),
        (AttemptOutcome(kind: .timedOut, exitCode: 143, reason: nil, statusReason: Reasons.timeout, signal: SIGTERM), true, .timeout),
        (AttemptOutcome(kind: .terminated, exitCode: nil, reason: nil, statusReason: "stop"), true, .terminated),
        (AttemptOutcome(kind: .launchFailed, exitCode: nil, reason: "CannotStartContainerError: x", statusReason: "Task failed to start"), true,
         .launchFailed),
        (AttemptOutcome(kind: .interrupted, exitCode: nil, reason: nil, statusReason: Reasons.hostTerminated(instance: "i-1")), true, .hostLost),
        (AttemptOutcome(kind: .engineRestarted, exitCode: nil, reason: nil, statusReason: Reasons.engineRestarted), true, .engineRestart),
        (.exited(1), false, .requeued),
        (AttemptOutcome(kind: .engineRestarted, exitCode: nil, reason: nil, statusReason: "Stopped before it started"), false, .requeued),
    ] as [(AttemptOutcome, Bool, AttemptEnd)])
    func attemptEnds(outcome: AttemptOutcome, counts: Bool, expected: AttemptEnd) {
        #expect(AttemptEnd.classify(outcome, counts: counts) == expected)
    }

    /// The engine's own outcomes, as it makes them from process exits, land in the class their name says.
    @Test(arguments: [
        (ProcessExit(key: key, exitCode: 3), nil, AttemptEnd.exitCode1To127),
        (ProcessExit(key: key, signal: SIGSEGV), nil, .signal),
        (ProcessExit(key: key, signal: SIGTERM), .timeout, .timeout),
        (ProcessExit(key: key, signal: SIGTERM), .shutdown, .requeued),
        (ProcessExit(key: key, signal: SIGTERM), .interrupted(instance: "i-1", experiment: nil), .hostLost),
        (ProcessExit(key: key, signal: SIGKILL), .outOfMemory, .outOfMemory),
        (ProcessExit(key: key, launchError: "cannot run 'nope': No such file or directory"), nil, .launchFailed),
    ] as [(ProcessExit, RunningAttempt.StopKind?, AttemptEnd)])
    func engineOutcomes(exit: ProcessExit, stop: RunningAttempt.StopKind?, expected: AttemptEnd) throws {
        let (outcome, counts) = try #require(Engine.outcome(of: exit, stop: stop))
        #expect(AttemptEnd.classify(outcome, counts: counts) == expected)
    }

    @Test(arguments: [
        (RetryDecision.retry(rule: nil), "attempts", "RETRY"),
        (.retry(rule: 0), "evaluateOnExit[0]", "RETRY"),
        (.retryNextEnvironment(rule: 4), "evaluateOnExit[4]", "RETRY_NEXT_ENVIRONMENT"),
        (.retry(rule: 9), "evaluateOnExit[9]", "RETRY"),
        (.retry(rule: 10), "evaluateOnExit[other]", "RETRY"),
        (.retry(rule: 12_345), "evaluateOnExit[other]", "RETRY"),
    ] as [(RetryDecision, String, String)])
    func retryLabels(decision: RetryDecision, rule: String, action: String) throws {
        let labels = try #require(EngineMetrics.labels(of: decision))
        #expect(labels.rule == rule && labels.action == action)
    }

    @Test func decisionsThatAreNotRetriesHaveNoLabels() {
        #expect(EngineMetrics.labels(of: .succeed) == nil)
        #expect(EngineMetrics.labels(of: .fail(why: "no attempts left")) == nil)
    }

    @Test func theDisabledMetricsRecordNothing() {
        #expect(!EngineMetrics.disabled.isEnabled)
        #expect(!EngineOptions().metrics.isEnabled, "the engine measures nothing unless it is given a factory")
    }
}
