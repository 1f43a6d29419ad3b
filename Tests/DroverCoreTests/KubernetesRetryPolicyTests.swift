import DroverCore
import Testing

/// AWS Batch's retry strategy as an Indexed Job's `backoffLimitPerIndex` and `podFailurePolicy`, from a table; and
/// for every exit code and a disruption, the Job decides as AWS's rules decide.
struct KubernetesRetryPolicyTests {
    typealias Rule = KubernetesJob.PodFailurePolicyRule

    static let ignoreDisruptions = Rule(action: .ignore, onPodConditions: [KubernetesJob.OnPodCondition(type: "DisruptionTarget")])
    static let failOnDisruption = Rule(action: .failIndex, onPodConditions: [KubernetesJob.OnPodCondition(type: "DisruptionTarget")])

    static func failing(_ operator: String, _ values: [Int]) -> Rule {
        Rule(action: .failIndex, onExitCodes: KubernetesJob.OnExitCodes(operator: `operator`, values: values))
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var strategy: RetryStrategy?
        var backoffLimitPerIndex: Int
        var rules: [Rule]
        /// A fragment of each remark, in order, prefixed with its level (`warning:`, `note:`).
        var remarks: [String] = []
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "no strategy: one attempt, disruptions ignored", strategy: nil, backoffLimitPerIndex: 0, rules: [ignoreDisruptions]),
        Case(name: "attempts only", strategy: RetryStrategy(attempts: 3), backoffLimitPerIndex: 2, rules: [ignoreDisruptions]),
        Case(name: "retry-demo: RETRY 3, EXIT 4*, EXIT on any reason",
             strategy: RetryStrategy(attempts: 3, evaluateOnExit: [
                EvaluateOnExit(action: "RETRY", onExitCode: "3"), EvaluateOnExit(action: "EXIT", onExitCode: "4*"),
                EvaluateOnExit(action: "EXIT", onReason: "*"),
             ]),
             backoffLimitPerIndex: 2, rules: [failOnDisruption, failing("NotIn", [0, 3])],
             remarks: ["note: retryStrategy.evaluateOnExit[2] stops a job whose host was lost"]),
        Case(name: "AWS's documented host-loss rule: retry lost hosts, exit on the rest",
             strategy: RetryStrategy(attempts: 5, evaluateOnExit: [
                EvaluateOnExit(action: "RETRY", onStatusReason: "Host EC2*"), EvaluateOnExit(action: "EXIT", onReason: "*"),
             ]),
             backoffLimitPerIndex: 4, rules: [ignoreDisruptions, failing("NotIn", [0])]),
        Case(name: "a prefix stays within 1-255",
             strategy: RetryStrategy(attempts: 2, evaluateOnExit: [EvaluateOnExit(action: "exit", onExitCode: "4*")]),
             backoffLimitPerIndex: 1, rules: [ignoreDisruptions, failing("In", [4] + Array(40...49))]),
        Case(name: "an earlier RETRY keeps its codes from a later EXIT",
             strategy: RetryStrategy(attempts: 4, evaluateOnExit: [
                EvaluateOnExit(action: "RETRY", onExitCode: "1"), EvaluateOnExit(action: "EXIT", onExitCode: "1*"),
             ]),
             backoffLimitPerIndex: 3, rules: [ignoreDisruptions, failing("In", Array(10...19) + Array(100...199))]),
        Case(name: "EXIT on the status reason of a plain exit is every exit code",
             strategy: RetryStrategy(attempts: 2, evaluateOnExit: [EvaluateOnExit(action: "EXIT", onStatusReason: "Essential container*")]),
             backoffLimitPerIndex: 1, rules: [ignoreDisruptions, failing("NotIn", [0])]),
        Case(name: "a container reason has no counterpart",
             strategy: RetryStrategy(attempts: 3, evaluateOnExit: [
                EvaluateOnExit(action: "RETRY", onReason: "CannotPullContainerError:*"), EvaluateOnExit(action: "EXIT", onExitCode: "2"),
             ]),
             backoffLimitPerIndex: 2, rules: [ignoreDisruptions, failing("In", [2])],
             remarks: ["warning: retryStrategy.evaluateOnExit[0] {onReason: \"CannotPullContainerError:*\", action: RETRY} is left out: Kubernetes sees no container reason (onReason)"]),
        Case(name: "an out-of-memory flag has no counterpart",
             strategy: RetryStrategy(attempts: 2, evaluateOnExit: [EvaluateOnExit(action: "EXIT", onOutOfMemory: true)]),
             backoffLimitPerIndex: 1, rules: [ignoreDisruptions],
             remarks: ["warning: retryStrategy.evaluateOnExit[0] {onOutOfMemory: true, action: EXIT} is left out: Kubernetes reports an out-of-memory kill as exit code 137"]),
        Case(name: "a signal is its exit code 128 + N",
             strategy: RetryStrategy(attempts: 2, evaluateOnExit: [EvaluateOnExit(action: "EXIT", onSignal: "SIGKILL")]),
             backoffLimitPerIndex: 1, rules: [ignoreDisruptions, failing("In", [137])],
             remarks: ["note: retryStrategy.evaluateOnExit[0] {onSignal: \"SIGKILL\", action: EXIT}: onSignal \"SIGKILL\" is read as exit code 128 + the signal"]),
        Case(name: "EXIT on a lost host fails the index on a disruption",
             strategy: RetryStrategy(attempts: 3, evaluateOnExit: [EvaluateOnExit(action: "EXIT", onStatusReason: "Host EC2*")]),
             backoffLimitPerIndex: 2, rules: [failOnDisruption],
             remarks: ["note: retryStrategy.evaluateOnExit[0] stops a job whose host was lost"]),
        Case(name: "exit codes above 255 do not exist",
             strategy: RetryStrategy(attempts: 2, evaluateOnExit: [EvaluateOnExit(action: "EXIT", onExitCode: "300")]),
             backoffLimitPerIndex: 1, rules: [ignoreDisruptions],
             remarks: ["warning: retryStrategy.evaluateOnExit[0] {onExitCode: \"300\", action: EXIT} is left out: no exit code from 1 to 255 matches it (onExitCode)"]),
        Case(name: "conditions that never hold together",
             strategy: RetryStrategy(attempts: 2, evaluateOnExit: [EvaluateOnExit(action: "EXIT", onStatusReason: "Host EC2*", onExitCode: "3")]),
             backoffLimitPerIndex: 1, rules: [ignoreDisruptions],
             remarks: ["warning: retryStrategy.evaluateOnExit[0] {onStatusReason: \"Host EC2*\", onExitCode: \"3\", action: EXIT} is left out: no exit code and no disruption meets all its conditions at once"]),
        Case(name: "Drover's extensions: RETRY_NEXT_ENVIRONMENT and maxInterruptions",
             strategy: RetryStrategy(attempts: 2, evaluateOnExit: [EvaluateOnExit(action: "RETRY_NEXT_ENVIRONMENT", onStatusReason: "Host EC2*")],
                                     maxInterruptions: 3),
             backoffLimitPerIndex: 1, rules: [ignoreDisruptions],
             remarks: ["note: retryStrategy.evaluateOnExit[0] {onStatusReason: \"Host EC2*\", action: RETRY_NEXT_ENVIRONMENT}: RETRY_NEXT_ENVIRONMENT retries as RETRY",
                       "note: retryStrategy.maxInterruptions 3 is left out"]),
    ]

    @Test(arguments: cases)
    func mapsTheStrategy(_ example: Case) {
        let policy = KubernetesRetryPolicy(example.strategy)
        #expect(policy.backoffLimitPerIndex == example.backoffLimitPerIndex)
        #expect(policy.rules == example.rules)
        let remarks = policy.remarks.map { "\($0.level.rawValue): \($0.message)" }
        #expect(remarks.count == example.remarks.count, "\(remarks)")
        for (remark, fragment) in zip(remarks, example.remarks) {
            #expect(remark.hasPrefix(fragment), "\(remark)")
        }
    }

    /// What the Job does with a failed pod: the first rule that matches it, else Count.
    static func kubernetesAction(_ rules: [Rule], exitCode: Int?) -> KubernetesJob.Action {
        for rule in rules {
            if let codes = rule.onExitCodes, let exitCode, codes.matches(exitCode) { return rule.action }
            if rule.onPodConditions != nil, exitCode == nil { return rule.action }
        }
        return .count
    }

    /// For every strategy of the table whose rules all have a counterpart, every exit code fails its index at once
    /// exactly when AWS's rules (as the engine evaluates them, with attempts left) stop the job; a disruption fails
    /// its index exactly when they stop a job whose host was lost, and is ignored otherwise.
    @Test(arguments: cases.filter { !$0.remarks.contains { $0.hasPrefix("warning") } })
    func decidesAsAWSForEveryExitCode(_ example: Case) {
        let policy = KubernetesRetryPolicy(example.strategy)
        let strategy = example.strategy.map { RetryStrategy(attempts: 10, evaluateOnExit: $0.evaluateOnExit) } ?? RetryStrategy(attempts: 10)
        for code in 1...255 {
            let aws = RetryDecision.decide(strategy: strategy, outcome: KubernetesRetryPolicy.exited(code), attemptsUsed: 1)
            let kubernetes = Self.kubernetesAction(policy.rules, exitCode: code)
            let stops = if case .fail = aws { true } else { false }
            #expect(stops == (kubernetes == .failIndex), "exit code \(code): AWS \(aws), Kubernetes \(kubernetes)")
            #expect(kubernetes != .ignore, "exit code \(code) counts unless it fails the index")
        }
        let aws = RetryDecision.decide(strategy: strategy, outcome: KubernetesRetryPolicy.disruption, attemptsUsed: 1)
        let stops = if case .fail = aws { true } else { false }
        #expect(Self.kubernetesAction(policy.rules, exitCode: nil) == (stops ? .failIndex : .ignore))
    }

    @Test(arguments: [
        ([Int](), nil as KubernetesJob.OnExitCodes?),
        ([3], KubernetesJob.OnExitCodes(operator: "In", values: [3])),
        (Array(1...128), KubernetesJob.OnExitCodes(operator: "In", values: Array(1...128))),
        (Array(1...129), KubernetesJob.OnExitCodes(operator: "NotIn", values: [0] + Array(130...255))),
        (Array(1...255), KubernetesJob.OnExitCodes(operator: "NotIn", values: [0])),
    ])
    func writesTheShorterRequirement(failing: [Int], expected: KubernetesJob.OnExitCodes?) {
        #expect(KubernetesRetryPolicy.requirement(failing) == expected)
    }
}
