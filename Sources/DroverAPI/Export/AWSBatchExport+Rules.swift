import DroverCore

extension AWSBatchExport {
    /// Drover's retry-rule conditions, which AWS's `EvaluateOnExit` does not have.
    static let droverConditions = ["onSignal", "onOutOfMemory"]

    /// What AWS needs to create the compute environment `body` that it does not give, as field paths: the members
    /// the model requires, and those AWS's documentation requires beyond it (an instance role for EC2 and SPOT, a
    /// Spot Fleet role for SPOT with the default BEST_FIT allocation, security groups for Fargate).
    static func missingForAWS(_ body: JSONValue) -> [String] {
        var problems: [String] = []
        _ = ModelShape.createComputeEnvironmentRequest.checked(body, at: "", problems: &problems)
        let required = ": is required"
        var missing = problems.filter { $0.hasSuffix(required) }.map { String($0.dropLast(required.count)) }
        guard let resources = body["computeResources"] else { return missing }
        let type = resources["type"]?.string?.uppercased() ?? ""
        func need(_ member: String, when condition: Bool) {
            if condition, resources[member] == nil { missing.append("computeResources.\(member)") }
        }
        need("instanceRole", when: type == "EC2" || type == "SPOT")
        need("spotIamFleetRole", when: type == "SPOT" && (resources["allocationStrategy"]?.string?.uppercased() ?? "BEST_FIT") == "BEST_FIT")
        need("securityGroupIds", when: type.hasPrefix("FARGATE"))
        return missing
    }

    /// `body` (a definition or a job) with the retry rules AWS takes: a rule with one of Drover's conditions is left
    /// out whole, with a warning (without the condition it would match more than it did); a RETRY_NEXT_ENVIRONMENT
    /// rule is noted (it is written as RETRY).
    static func awsRules(_ body: JSONValue, location: String, subject: String, notes: inout [ExportNote]) -> JSONValue {
        guard var strategy = body["retryStrategy"], let rules = strategy["evaluateOnExit"]?.array else { return body }
        var kept: [JSONValue] = []
        for (index, rule) in rules.enumerated() {
            let field = "retryStrategy.evaluateOnExit[\(index)]"
            let drover = droverConditions.filter { rule[$0] != nil }
            if !drover.isEmpty {
                notes.append(ExportNote(.warning, location: location, subject: subject,
                                        "\(field) is left out: \(drover.joined(separator: " and ")) is Drover's, AWS has no such condition (AWS reports a SIGKILL as onExitCode \"137\" and an out-of-memory kill as onReason \"OutOfMemoryError*\")"))
                continue
            }
            if rule["action"]?.string?.uppercased() == RetryAction.retryNextEnvironment.rawValue {
                notes.append(ExportNote(.note, location: location, subject: subject,
                                        "\(field): RETRY_NEXT_ENVIRONMENT is written as RETRY: AWS retries on the queue's environments in their order"))
            }
            kept.append(rule)
        }
        strategy["evaluateOnExit"] = kept.isEmpty ? nil : .array(kept)
        var result = body
        result["retryStrategy"] = strategy
        return result
    }
}
