/// How an AWS Batch retry strategy becomes an Indexed Job's `backoffLimitPerIndex` and `podFailurePolicy`.
///
/// Kubernetes tells a pod's failures apart by the exit codes of its containers and by its conditions, nothing else.
/// So the strategy's `evaluateOnExit` rules are run, exactly as the engine runs them (``EvaluateOnExit/matches(_:)``),
/// over every failure Kubernetes can tell apart, each as AWS would report it:
/// - exit code N (1-255): `Essential container in task exited`, no container reason, for N above 128 the signal
///   N - 128 (a signal death is reported as 128 + the signal);
/// - a disruption (the pod evicted, preempted, or lost with its node: the `DisruptionTarget` condition): AWS's lost
///   host, `Host EC2 (instance …) terminated.` with no exit code.
///
/// Each exit code takes the action of its first matching rule, as on AWS: EXIT codes fail their index at once
/// (`FailIndex`); RETRY codes need no rule of their own, since a failure that no rule matches counts against
/// `backoffLimitPerIndex` (AWS's `attempts` - 1) just as a retry uses an attempt. A disruption is `Ignore`d (retried
/// without using an attempt) unless the first rule that matches a lost host says EXIT (then `FailIndex`): on
/// Kubernetes a disruption is mostly a drain, a preemption or a node-pressure eviction, none of which ends a running
/// AWS Batch job, and Kubernetes itself advises not to count them. Rules that match none of these failures (on a
/// container reason, a launch failure, an out-of-memory flag) are left out with a warning.
public struct KubernetesRetryPolicy: Sendable, Equatable {
    /// Something the mapping could not carry over exactly.
    public struct Remark: Sendable, Equatable {
        /// How much it matters.
        public var level: ExportNote.Level
        /// What happened, naming the member (`retryStrategy.evaluateOnExit[2]`).
        public var message: String
    }

    /// Retries of each index: `attempts` - 1.
    public var backoffLimitPerIndex: Int
    /// The disruption rule, then the `FailIndex` rule of the EXIT codes when there are any.
    public var rules: [KubernetesJob.PodFailurePolicyRule]
    /// What was left out or reads differently on Kubernetes.
    public var remarks: [Remark]

    /// The pod condition of a pod that was evicted, preempted or lost with its node.
    public static let disruptionCondition = "DisruptionTarget"
    /// The exit codes a container can end with.
    public static let exitCodes = 1...255

    /// A container that exited with `code`, as AWS reports it.
    public static func exited(_ code: Int) -> AttemptOutcome {
        AttemptOutcome(kind: .exited, exitCode: Int32(code), reason: nil, statusReason: Reasons.containerExited,
                       signal: code > 128 ? Int32(code - 128) : nil)
    }

    /// A pod lost to a disruption, as AWS reports a lost host.
    public static let disruption = AttemptOutcome(kind: .interrupted, exitCode: nil, reason: nil,
                                                  statusReason: Reasons.hostTerminated(instance: "i-00000000000000000"))

    /// Every failure Kubernetes can tell apart, as AWS reports it.
    static let probes: [AttemptOutcome] = exitCodes.map(exited) + [disruption]

    /// Maps `strategy` (nil: one attempt, no rules).
    public init(_ strategy: RetryStrategy?) {
        backoffLimitPerIndex = max((strategy?.attempts ?? 1) - 1, 0)
        let given = strategy?.evaluateOnExit ?? []
        var decides = Array(repeating: false, count: given.count)
        var failing: [Int] = []
        for code in Self.exitCodes {
            guard let index = given.firstIndex(where: { $0.matches(Self.exited(code)) }) else { continue }
            decides[index] = true
            if given[index].parsedAction == .exit { failing.append(code) }
        }
        let lostHost = given.firstIndex { $0.matches(Self.disruption) }
        if let lostHost { decides[lostHost] = true }
        let stops = lostHost.map { given[$0].parsedAction == .exit } ?? false
        rules = [KubernetesJob.PodFailurePolicyRule(action: stops ? .failIndex : .ignore,
                                                    onPodConditions: [KubernetesJob.OnPodCondition(type: Self.disruptionCondition)])]
        if let requirement = Self.requirement(failing) {
            rules.append(KubernetesJob.PodFailurePolicyRule(action: .failIndex, onExitCodes: requirement))
        }
        remarks = []
        for (index, rule) in given.enumerated() {
            let name = "retryStrategy.evaluateOnExit[\(index)] \(Self.describe(rule))"
            guard Self.probes.contains(where: rule.matches) else {
                remarks.append(Remark(level: .warning, message: "\(name) is left out: \(Self.whyNothingMatches(rule))"))
                continue
            }
            if let signal = rule.onSignal {
                remarks.append(Remark(level: .note, message: "\(name): onSignal \"\(signal)\" is read as exit code 128 + the signal, as Kubernetes reports a signal death; a process that exits with that code itself matches too"))
            }
            if decides[index], rule.parsedAction == .retryNextEnvironment {
                remarks.append(Remark(level: .note, message: "\(name): RETRY_NEXT_ENVIRONMENT retries as RETRY: a Job has no ordered environments to move on to (Kueue's counterpart is the flavors of a ClusterQueue)"))
            }
        }
        if let lostHost, stops {
            remarks.append(Remark(level: .note, message: "retryStrategy.evaluateOnExit[\(lostHost)] stops a job whose host was lost, so a disruption (eviction, preemption, lost node) fails its index at once"))
        }
        if let budget = strategy?.maxInterruptions {
            remarks.append(Remark(level: .note, message: "retryStrategy.maxInterruptions \(budget) is left out: disruptions never use up attempts here, and Kubernetes retries them without a bound"))
        }
    }

    /// The `onExitCodes` requirement that holds for exactly the codes `failing` (ascending, within ``exitCodes``):
    /// `In` those codes, or `NotIn` 0 and the others when that list is shorter; nil when there are none.
    public static func requirement(_ failing: [Int]) -> KubernetesJob.OnExitCodes? {
        guard !failing.isEmpty else { return nil }
        let others = exitCodes.filter { !failing.contains($0) }
        return failing.count <= others.count + 1
            ? KubernetesJob.OnExitCodes(operator: "In", values: failing)
            : KubernetesJob.OnExitCodes(operator: "NotIn", values: [0] + others)
    }

    /// `{onExitCode: "4*", action: EXIT}`: the rule as written.
    static func describe(_ rule: EvaluateOnExit) -> String {
        var parts: [String] = []
        if let pattern = rule.onStatusReason { parts.append("onStatusReason: \"\(pattern)\"") }
        if let pattern = rule.onReason { parts.append("onReason: \"\(pattern)\"") }
        if let pattern = rule.onExitCode { parts.append("onExitCode: \"\(pattern)\"") }
        if let pattern = rule.onSignal { parts.append("onSignal: \"\(pattern)\"") }
        if let flag = rule.onOutOfMemory { parts.append("onOutOfMemory: \(flag)") }
        parts.append("action: \(rule.action)")
        return "{" + parts.joined(separator: ", ") + "}"
    }

    /// Why no failure Kubernetes can tell apart meets every condition of `rule`: the conditions none meets, or that
    /// they never hold together.
    static func whyNothingMatches(_ rule: EvaluateOnExit) -> String {
        let action = rule.action
        let conditions: [(EvaluateOnExit, String)] = [
            (EvaluateOnExit(action: action, onReason: rule.onReason), "Kubernetes sees no container reason (onReason)"),
            (EvaluateOnExit(action: action, onStatusReason: rule.onStatusReason),
             "Kubernetes sees no status reason; only AWS's lost host has a counterpart, a disruption (onStatusReason)"),
            (EvaluateOnExit(action: action, onExitCode: rule.onExitCode), "no exit code from 1 to 255 matches it (onExitCode)"),
            (EvaluateOnExit(action: action, onSignal: rule.onSignal), "no signal a container dies of matches it (onSignal)"),
            (EvaluateOnExit(action: action, onOutOfMemory: rule.onOutOfMemory),
             "Kubernetes reports an out-of-memory kill as exit code 137, like any SIGKILL (onOutOfMemory)"),
        ]
        let failing = conditions.filter { condition, _ in !probes.contains(where: condition.matches) }.map(\.1)
        if failing.isEmpty { return "no exit code and no disruption meets all its conditions at once" }
        return failing.joined(separator: "; ")
    }
}
