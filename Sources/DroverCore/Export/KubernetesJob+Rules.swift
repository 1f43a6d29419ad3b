extension KubernetesJob {
    /// What the Kubernetes API server would refuse in this Job beyond its OpenAPI schema (which
    /// `kubernetes-validate` checks), one problem a line with its field path; empty when there is none. The rules
    /// of the API server's Job validation that concern the members written here: the name with its highest index
    /// a DNS label, Indexed completions and their bounds, `maxFailedIndexes` and `FailIndex` only with
    /// `backoffLimitPerIndex`, at most 20 rules of exactly one kind each, exit codes ascending, unique, at most 255,
    /// no 0 with `In`, and `restartPolicy: Never`.
    public var apiServerProblems: [String] {
        var problems: [String] = []
        let spec = self.spec
        let host = "\(metadata.name)-\(max(spec.completions - 1, 0))"
        if !Self.isLabel(metadata.name) || !Self.isLabel(host) {
            problems.append("metadata.name: '\(metadata.name)' with its highest index ('\(host)') must be a DNS-1123 label")
        }
        if spec.completions < 1 { problems.append("spec.completions: must be at least 1") }
        if spec.parallelism < 0 || spec.parallelism > 100_000 { problems.append("spec.parallelism: must be 0 to 100000 in an Indexed Job") }
        if spec.backoffLimitPerIndex < 0 { problems.append("spec.backoffLimitPerIndex: must not be negative") }
        if let failed = spec.maxFailedIndexes, failed < 0 || failed > spec.completions || failed > 100_000 {
            problems.append("spec.maxFailedIndexes: must be 0 to completions (and at most 100000)")
        }
        if spec.completions > 100_000 {
            if (spec.maxFailedIndexes ?? .max) > 10_000 { problems.append("spec.maxFailedIndexes: required, at most 10000, above 100000 completions") }
            if spec.parallelism > 10_000 { problems.append("spec.parallelism: at most 10000 above 100000 completions") }
        }
        let rules = spec.podFailurePolicy.rules
        if rules.count > 20 { problems.append("spec.podFailurePolicy.rules: at most 20 rules") }
        for (index, rule) in rules.enumerated() {
            let path = "spec.podFailurePolicy.rules[\(index)]"
            if (rule.onExitCodes == nil) == (rule.onPodConditions ?? []).isEmpty {
                problems.append("\(path): needs exactly one of onExitCodes and onPodConditions")
            }
            if let codes = rule.onExitCodes {
                if !["In", "NotIn"].contains(codes.operator) { problems.append("\(path).onExitCodes.operator: In or NotIn") }
                if codes.values.isEmpty || codes.values.count > 255 { problems.append("\(path).onExitCodes.values: 1 to 255 values") }
                if zip(codes.values, codes.values.dropFirst()).contains(where: { $0 >= $1 }) {
                    problems.append("\(path).onExitCodes.values: must be ascending, each once")
                }
                if codes.operator == "In", codes.values.contains(0) { problems.append("\(path).onExitCodes.values: no 0 with In") }
            }
            for (number, condition) in (rule.onPodConditions ?? []).enumerated() where !["True", "False", "Unknown"].contains(condition.status) {
                problems.append("\(path).onPodConditions[\(number)].status: True, False or Unknown")
            }
        }
        if spec.template.spec.restartPolicy != "Never" { problems.append("spec.template.spec.restartPolicy: must be Never with a podFailurePolicy") }
        for (index, container) in spec.template.spec.containers.enumerated() where !Self.isLabel(container.name) {
            problems.append("spec.template.spec.containers[\(index)].name: '\(container.name)' must be a DNS-1123 label")
        }
        return problems
    }

    /// Whether `text` is a DNS-1123 label: 1 to 63 lowercase letters, digits and `-`, starting and ending with a
    /// letter or digit.
    static func isLabel(_ text: String) -> Bool {
        let alphanumeric: (Character) -> Bool = { $0.isASCII && ($0.isLowercase || $0.isNumber) }
        guard let first = text.first, let last = text.last, text.count <= KubernetesName.maxLength else { return false }
        return alphanumeric(first) && alphanumeric(last) && text.allSatisfy { alphanumeric($0) || $0 == "-" }
    }
}
