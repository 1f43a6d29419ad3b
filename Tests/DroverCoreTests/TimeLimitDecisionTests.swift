import DroverCore
import Testing

/// `jobStateTimeLimitActions` as AWS applies them: state, reason code, time, action.
struct TimeLimitDecisionTests {
    static let maxResource = "MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE"
    static let capacity = "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY"
    static let stuck = RunnableReason.computeEnvironmentMaxResource.statusReason(detail: "The job asks 8 vCPUs and 0 MiB: local allows 2 vCPUs and 1024 MiB.")
    static let since: EpochMillis = 1_700_000_000_000

    struct Case: CustomTestStringConvertible, Sendable {
        var label: String
        var actions: [JobStateTimeLimitAction]
        var status: JobStatus = .runnable
        var reason: String? = TimeLimitDecisionTests.stuck
        /// Seconds since the reason was given.
        var elapsed: Double
        var expected: TimeLimitDecision
        var testDescription: String { label }
    }

    static let cancelled = TimeLimitDecision.cancel(statusReason: "Canceled by JobStateTimeLimit action due to reason: \(maxResource)")

    static let cases: [Case] = [
        Case(label: "before maxTimeSeconds", actions: [.init(reason: maxResource, maxTimeSeconds: 600)], elapsed: 599.999, expected: .keep),
        Case(label: "at maxTimeSeconds", actions: [.init(reason: maxResource, maxTimeSeconds: 600)], elapsed: 600, expected: cancelled),
        Case(label: "long after", actions: [.init(reason: maxResource, maxTimeSeconds: 600)], elapsed: 86_400, expected: cancelled),
        Case(label: "the reason is matched by its code, whatever the detail after it",
             actions: [.init(reason: maxResource, maxTimeSeconds: 600)], reason: "\(maxResource) - anything", elapsed: 700, expected: cancelled),
        Case(label: "the code alone", actions: [.init(reason: maxResource, maxTimeSeconds: 600)], reason: maxResource, elapsed: 700, expected: cancelled),
        Case(label: "another code", actions: [.init(reason: capacity, maxTimeSeconds: 600)], elapsed: 7000, expected: .keep),
        Case(label: "a code that only starts the same", actions: [.init(reason: "MISCONFIGURATION:COMPUTE", maxTimeSeconds: 600)],
             elapsed: 7000, expected: .keep),
        Case(label: "a reason without a code matches only itself", actions: [.init(reason: "Waiting for capacity", maxTimeSeconds: 600)],
             reason: "Waiting for capacity: local uses 2/2 vCPUs.", elapsed: 7000, expected: .keep),
        Case(label: "no reason", actions: [.init(reason: maxResource, maxTimeSeconds: 600)], reason: nil, elapsed: 7000, expected: .keep),
        Case(label: "not RUNNABLE", actions: [.init(reason: maxResource, maxTimeSeconds: 600)], status: .pending, elapsed: 7000, expected: .keep),
        Case(label: "a state other than RUNNABLE never matches", actions: [.init(reason: maxResource, state: "PENDING", maxTimeSeconds: 600)],
             status: .runnable, elapsed: 7000, expected: .keep),
        Case(label: "TERMINATE", actions: [.init(reason: maxResource, maxTimeSeconds: 600, action: "TERMINATE")], elapsed: 600,
             expected: .terminate(statusReason: "Terminated by JobStateTimeLimit action due to reason: \(maxResource)")),
        Case(label: "of two due actions, the shorter acted first",
             actions: [.init(reason: maxResource, maxTimeSeconds: 900, action: "TERMINATE"), .init(reason: maxResource, maxTimeSeconds: 600)],
             elapsed: 1000, expected: cancelled),
        Case(label: "only the due one", actions: [.init(reason: capacity, maxTimeSeconds: 600), .init(reason: maxResource, maxTimeSeconds: 900)],
             elapsed: 800, expected: .keep),
        Case(label: "a clock gone back", actions: [.init(reason: maxResource, maxTimeSeconds: 600)], elapsed: -5000, expected: .keep),
        Case(label: "no actions", actions: [], elapsed: 86_400, expected: .keep),
    ]

    @Test(arguments: cases)
    func decides(_ fixture: Case) {
        let now = Self.since + EpochMillis((fixture.elapsed * 1000).rounded())
        let decision = TimeLimitDecision.decide(actions: fixture.actions, status: fixture.status, statusReason: fixture.reason,
                                                reasonSince: Self.since, now: now)
        #expect(decision == fixture.expected)
    }

    @Test func anUnknownStartNeverActs() {
        let decision = TimeLimitDecision.decide(actions: [.init(reason: Self.maxResource, maxTimeSeconds: 600)], status: .runnable,
                                                statusReason: Self.stuck, reasonSince: nil, now: .max)
        #expect(decision == .keep)
        let extreme = TimeLimitDecision.decide(actions: [.init(reason: Self.maxResource, maxTimeSeconds: .max)], status: .runnable,
                                               statusReason: Self.stuck, reasonSince: .min, now: .max)
        #expect(extreme == .keep, "no trap on stored extremes")
    }
}
