import Foundation

/// Checks values against AWS Batch's rules (and Drover's limits), returning every problem found.
///
/// Field paths in the returned issues are relative to the object checked.
public enum Validator {
    /// Largest array Drover runs (AWS allows 10,000).
    public static let maxArraySize = 1_000_000
    /// Longest attempt time limit: one year, in seconds.
    public static let maxTimeoutSeconds = 31_536_000

    /// Checks a compute environment.
    public static func validate(_ environment: ComputeEnvironment) -> [ValidationIssue] {
        var issues = name(environment.computeEnvironmentName, field: "computeEnvironmentName")
        if let type = environment.type, !["MANAGED", "UNMANAGED"].contains(type) {
            issues.append(.init(field: "type", message: "must be MANAGED or UNMANAGED (got \(type))"))
        }
        if environment.type == "MANAGED" && environment.computeResources == nil {
            issues.append(.init(field: "computeResources", message: "is required for a MANAGED environment: give {type, maxvCpus, ...} (or make it UNMANAGED)"))
        }
        issues += validate(tags: environment.tags, field: "tags")
        if let resources = environment.computeResources {
            if let type = resources.type, !["EC2", "SPOT", "FARGATE", "FARGATE_SPOT"].contains(type) {
                issues.append(.init(field: "computeResources.type", message: "must be EC2, SPOT, FARGATE or FARGATE_SPOT, not \(type)"))
            }
            let counts = [("minvCpus", resources.minvCpus), ("maxvCpus", resources.maxvCpus), ("desiredvCpus", resources.desiredvCpus)]
            for case let (name, count?) in counts {
                if let problem = ResourceLimits.problem(environmentVcpus: count) {
                    issues.append(.init(field: "computeResources.\(name)", message: problem))
                } else if name == "maxvCpus", count < 1 {
                    issues.append(.init(field: "computeResources.maxvCpus", message: "must be at least 1 (got \(count))"))
                }
            }
            if let min = resources.minvCpus, let max = resources.maxvCpus, min > max {
                issues.append(.init(field: "computeResources.minvCpus", message: "must not exceed maxvCpus (\(min) > \(max))"))
            }
            if environment.isSimulated, case .failure(let unknown) = InstanceCatalog.resolve(resources.instanceTypes ?? []) {
                issues.append(.init(field: "computeResources.instanceTypes",
                                    message: "unknown instance type '\(unknown.name)'; the simulator knows \(InstanceCatalog.knownNames)"))
            }
            if let bid = resources.bidPercentage, !(1...100).contains(bid) {
                issues.append(.init(field: "computeResources.bidPercentage", message: "must be between 1 and 100 (got \(bid))"))
            }
        }
        if let settings = environment.simulation {
            issues += validate(settings, environment: environment)
        }
        if let slurm = environment.slurm {
            issues += validate(slurm, environment: environment)
        }
        if let count = environment.unmanagedvCpus {
            if let problem = ResourceLimits.problem(environmentVcpus: count) {
                issues.append(.init(field: "unmanagedvCpus", message: problem))
            } else if count < 1 {
                issues.append(.init(field: "unmanagedvCpus", message: "must be at least 1 (got \(count))"))
            }
        }
        return issues
    }

    /// Checks the `slurm` block of an environment: an UNMANAGED environment with a partition, and no `sbatch` option
    /// Drover sets itself.
    static func validate(_ slurm: SlurmSettings, environment: ComputeEnvironment) -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        if environment.type != "UNMANAGED" {
            issues.append(.init(field: "type", message: "must be UNMANAGED for an environment with a slurm block (the cluster manages its nodes)"))
        }
        if environment.computeResources != nil {
            issues.append(.init(field: "computeResources", message: "is not taken by a Slurm environment: give its vCPUs as unmanagedvCpus"))
        }
        if environment.simulation != nil {
            issues.append(.init(field: "simulation", message: "cannot be combined with slurm: a Slurm partition's hosts are real"))
        }
        if slurm.partition.isEmpty || slurm.partition.contains(where: { $0.isWhitespace || $0 == "," }) {
            issues.append(.init(field: "slurm.partition", message: "must name one Slurm partition (got '\(slurm.partition)')"))
        }
        for (name, value) in [("account", slurm.account), ("qos", slurm.qos), ("constraint", slurm.constraint)] {
            if let value, value.isEmpty || value.contains(where: \.isNewline) {
                issues.append(.init(field: "slurm.\(name)", message: "must be a non-empty single line"))
            }
        }
        if let option = slurm.reservedOption {
            issues.append(.init(field: "slurm.options", message: "must not give \(option): Drover sets it for each submission"))
        }
        for (index, option) in (slurm.options ?? []).enumerated() where !option.hasPrefix("-") || option.contains(where: \.isNewline) {
            issues.append(.init(field: "slurm.options[\(index)]", message: "must be one sbatch option starting with '-' (got '\(option)')"))
        }
        if let queued = slurm.queuedvCpus, queued < 0 || ResourceLimits.problem(environmentVcpus: queued) != nil {
            issues.append(.init(field: "slurm.queuedvCpus", message: "must be between 0 and \(ResourceLimits.maxEnvironmentVcpus) (got \(queued))"))
        }
        if let url = slurm.slurmrestd {
            if let problem = slurmrestdProblem(url) {
                issues.append(.init(field: "slurm.slurmrestd", message: problem))
            }
            if !(slurm.options ?? []).isEmpty {
                issues.append(.init(field: "slurm.options", message: """
                    cannot be given with slurm.slurmrestd: free-form sbatch options do not go through slurmrestd's REST \
                    API; remove them, or drop slurmrestd to submit with sbatch
                    """))
            }
        }
        return issues
    }

    /// Why `url` cannot be a slurmrestd URL (an `http` URL with a host, and nothing after the port but an optional
    /// `/`), or nil. slurmrestd speaks plain HTTP, and so does Drover's client of it.
    static func slurmrestdProblem(_ url: String) -> String? {
        let example = "(for example http://127.0.0.1:6820)"
        guard let parts = URLComponents(string: url), let scheme = parts.scheme?.lowercased(), scheme == "http" else {
            return "must be an http:// URL \(example): slurmrestd speaks plain HTTP, reach it on its host or a private network; got '\(url)'"
        }
        guard let host = parts.host, !host.isEmpty else { return "must name a host \(example), got '\(url)'" }
        if parts.user != nil || parts.password != nil || parts.query != nil || parts.fragment != nil || !["", "/"].contains(parts.path) {
            return "must be the server's address only: no path, query or credentials \(example), got '\(url)'"
        }
        return nil
    }

    /// Checks a job queue (not whether its environments exist: that needs the store).
    public static func validate(_ queue: JobQueue) -> [ValidationIssue] {
        var issues = name(queue.jobQueueName, field: "jobQueueName")
        if let priority = queue.priority, !(0...1000).contains(priority) {
            issues.append(.init(field: "priority", message: "must be between 0 and 1000 (got \(priority))"))
        }
        if queue.priority == nil {
            issues.append(.init(field: "priority", message: "is required (higher numbers are scheduled first)"))
        }
        let order = queue.computeEnvironmentOrder ?? []
        if order.isEmpty {
            issues.append(.init(field: "computeEnvironmentOrder", message: "needs at least one {order, computeEnvironment} entry"))
        }
        if Set(order.map(\.order)).count != order.count {
            issues.append(.init(field: "computeEnvironmentOrder", message: "has two entries with the same order"))
        }
        if order.count > maxQueueEnvironments {
            issues.append(.init(field: "computeEnvironmentOrder", message: "a job queue takes at most \(maxQueueEnvironments) compute environments, as on AWS (got \(order.count))"))
        }
        let environments = order.map { ResourceName.fromArn($0.computeEnvironment) }
        if let repeated = environments.enumerated().first(where: { environments[..<$0.offset].contains($0.element) })?.element {
            issues.append(.init(field: "computeEnvironmentOrder", message: "names compute environment '\(repeated)' twice: give each one once"))
        }
        for (index, limit) in (queue.jobStateTimeLimitActions ?? []).enumerated() {
            let base = "jobStateTimeLimitActions[\(index)]"
            if limit.state != "RUNNABLE" {
                issues.append(.init(field: "\(base).state", message: "must be RUNNABLE (got \(limit.state))"))
            }
            if !["CANCEL", "TERMINATE"].contains(limit.action) {
                issues.append(.init(field: "\(base).action", message: "must be CANCEL or TERMINATE (got \(limit.action))"))
            }
            if !(600...86_400).contains(limit.maxTimeSeconds) {
                issues.append(.init(field: "\(base).maxTimeSeconds", message: "must be between 600 and 86400 seconds (got \(limit.maxTimeSeconds))"))
            }
        }
        issues += validate(tags: queue.tags, field: "tags")
        return issues
    }

    /// Checks a job definition.
    public static func validate(_ definition: JobDefinition) -> [ValidationIssue] {
        var issues = name(definition.jobDefinitionName, field: "jobDefinitionName")
        if let type = definition.type, type != "container" {
            issues.append(.init(field: "type", message: "only 'container' job definitions run locally (got \(type))"))
        }
        if let container = definition.containerProperties {
            issues += validate(container, field: "containerProperties")
            issues += conflicts(container, field: "containerProperties")
        }
        for (index, capability) in (definition.platformCapabilities ?? []).enumerated() where !["EC2", "FARGATE"].contains(capability) {
            issues.append(.init(field: "platformCapabilities[\(index)]", message: "must be EC2 or FARGATE (got \(capability))"))
        }
        issues += validate(tags: definition.tags, field: "tags")
        issues += validate(schedulingPriority: definition.schedulingPriority, field: "schedulingPriority")
        if let strategy = definition.retryStrategy { issues += validate(strategy, field: "retryStrategy") }
        if let timeout = definition.timeout { issues += validate(timeout, field: "timeout") }
        return issues
    }

    /// Checks a submit request (not whether its queue, definition and dependencies exist).
    public static func validate(_ request: SubmitJobRequest) -> [ValidationIssue] {
        var issues = name(request.jobName, field: "jobName")
        if let size = request.arrayProperties?.size, !(2...maxArraySize).contains(size) {
            issues.append(.init(field: "arrayProperties.size", message: "must be between 2 and \(maxArraySize) (got \(size))"))
        }
        if let dependencies = request.dependsOn, dependencies.count > maxDependencies {
            issues.append(.init(field: "dependsOn", message: "a job may depend on at most \(maxDependencies) jobs, as on AWS (got \(dependencies.count))"))
        }
        issues += validate(tags: request.tags, field: "tags")
        issues += validate(schedulingPriority: request.schedulingPriorityOverride, field: "schedulingPriorityOverride")
        for (index, dependency) in (request.dependsOn ?? []).enumerated() {
            let field = "dependsOn[\(index)]"
            if dependency.type == .sequential {
                if dependency.jobId != nil || dependency.jobName != nil {
                    issues.append(.init(field: field, message: "a SEQUENTIAL dependency names no job: it orders the children of this array"))
                }
                if request.arrayProperties?.size == nil {
                    issues.append(.init(field: field, message: "SEQUENTIAL needs an array job (arrayProperties.size)"))
                }
            } else if dependency.jobId == nil && dependency.jobName == nil {
                issues.append(.init(field: field, message: "needs a jobId (or, in a job file, the jobName of another job in the file)"))
            }
            if dependency.type == .nToN && request.arrayProperties?.size == nil {
                issues.append(.init(field: field, message: "N_TO_N needs an array job (arrayProperties.size)"))
            }
        }
        if let container = request.containerOverrides { issues += validate(container, field: "containerOverrides") }
        if let strategy = request.retryStrategy { issues += validate(strategy, field: "retryStrategy") }
        if let timeout = request.timeout { issues += validate(timeout, field: "timeout") }
        return issues
    }

    /// AWS Batch's range of scheduling priorities (a definition's `schedulingPriority`, a job's
    /// `schedulingPriorityOverride`): 0 to 9999.
    public static let schedulingPriorities = 0...9999

    /// Checks a scheduling priority against ``schedulingPriorities``.
    static func validate(schedulingPriority: Int?, field: String) -> [ValidationIssue] {
        guard let priority = schedulingPriority, !schedulingPriorities.contains(priority) else { return [] }
        return [.init(field: field, message: "must be between \(schedulingPriorities.lowerBound) and \(schedulingPriorities.upperBound), as on AWS (got \(priority))")]
    }

    /// AWS Batch's quota of compute environments in one job queue's `computeEnvironmentOrder`.
    public static let maxQueueEnvironments = 3

    /// AWS Batch's quota of dependencies per job.
    public static let maxDependencies = 20

    /// Checks a retry strategy: attempts 1...10, at most 5 rules, valid actions and patterns.
    public static func validate(_ strategy: RetryStrategy, field: String) -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        if let attempts = strategy.attempts, !(1...10).contains(attempts) {
            issues.append(.init(field: "\(field).attempts", message: "must be between 1 and 10 (got \(attempts))"))
        }
        let rules = strategy.evaluateOnExit ?? []
        if rules.count > 5 {
            issues.append(.init(field: "\(field).evaluateOnExit", message: "may hold at most 5 rules (got \(rules.count))"))
        }
        if let budget = strategy.maxInterruptions, !(0...100).contains(budget) {
            issues.append(.init(field: "\(field).maxInterruptions", message: "must be between 0 and 100 (got \(budget))"))
        }
        if !rules.isEmpty && strategy.attempts == nil {
            issues.append(.init(field: "\(field).attempts", message: "is required when evaluateOnExit is given"))
        }
        for (index, rule) in rules.enumerated() {
            let base = "\(field).evaluateOnExit[\(index)]"
            if rule.parsedAction == nil {
                issues.append(.init(field: "\(base).action", message: "must be RETRY, EXIT or RETRY_NEXT_ENVIRONMENT (got \"\(rule.action)\")"))
            }
            if let pattern = rule.onSignal, let problem = SignalName.problem(in: pattern) {
                issues.append(.init(field: "\(base).onSignal", message: problem))
            }
            let patterns: [(String, String?, ReasonPattern.Kind)] = [
                ("onExitCode", rule.onExitCode, .exitCode), ("onReason", rule.onReason, .reason),
                ("onStatusReason", rule.onStatusReason, .reason),
            ]
            for (name, pattern, kind) in patterns {
                if let pattern, let problem = ReasonPattern.problem(in: pattern, kind: kind) {
                    issues.append(.init(field: "\(base).\(name)", message: problem))
                }
            }
        }
        return issues
    }

    static func validate(_ timeout: JobTimeout, field: String) -> [ValidationIssue] {
        if let seconds = timeout.attemptDurationSeconds, !(1...maxTimeoutSeconds).contains(seconds) {
            return [.init(field: "\(field).attemptDurationSeconds", message: "must be between 1 second and one year (\(maxTimeoutSeconds) s) (got \(seconds))")]
        }
        return []
    }

    static func validate(_ container: ContainerProperties, field: String) -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        if let command = container.command, command.isEmpty {
            issues.append(.init(field: "\(field).command", message: "must not be empty"))
        }
        if let vcpus = container.vcpus, let problem = ResourceLimits.problem(vcpus: vcpus) {
            issues.append(.init(field: "\(field).vcpus", message: problem))
        }
        if let memory = container.memory, let problem = ResourceLimits.problem(memory: memory) {
            issues.append(.init(field: "\(field).memory", message: problem))
        }
        for (index, requirement) in (container.resourceRequirements ?? []).enumerated() {
            let type = requirement.type.uppercased()
            let base = "\(field).resourceRequirements[\(index)]"
            guard ["VCPU", "MEMORY", "GPU"].contains(type) else {
                issues.append(.init(field: "\(base).type", message: "must be VCPU, MEMORY or GPU (got \(requirement.type))"))
                continue
            }
            guard let amount = Double(requirement.value) else {
                issues.append(.init(field: "\(base).value", message: "must be a number (got \"\(requirement.value)\")"))
                continue
            }
            let problem = switch type {
            case "VCPU": ResourceLimits.problem(vcpus: amount)
            case "MEMORY": ResourceLimits.problem(memory: amount)
            default: ResourceLimits.problem(gpus: amount)
            }
            if let problem { issues.append(.init(field: "\(base).value", message: "\(type) \(problem)")) }
        }
        for (index, pair) in (container.environment ?? []).enumerated() {
            if let problem = environmentProblem(name: pair.name) {
                issues.append(.init(field: "\(field).environment[\(index)].name", message: problem))
            }
            if pair.value.contains("\0") {
                issues.append(.init(field: "\(field).environment[\(index)].value", message: "must not contain a NUL character (\(pair.name))"))
            }
        }
        return issues
    }

    /// AWS refuses a definition that gives an amount twice, in the old member (`vcpus`, `memory`) and as a
    /// `resourceRequirements` entry (VCPU, MEMORY).
    static func conflicts(_ container: ContainerProperties, field: String) -> [ValidationIssue] {
        let requirements = (container.resourceRequirements ?? []).map { $0.type.uppercased() }
        var issues: [ValidationIssue] = []
        for (member, type, given) in [("vcpus", "VCPU", container.vcpus != nil), ("memory", "MEMORY", container.memory != nil)]
        where given && requirements.contains(type) {
            issues.append(.init(field: "\(field).\(member)", message: "give either \(member) or a \(type) entry in resourceRequirements, not both (AWS refuses both; \(member) is deprecated: keep the resourceRequirements entry)"))
        }
        return issues
    }

    /// Checks a scheduling policy (kept and shown only: Drover does not enforce fair share).
    public static func validate(_ policy: SchedulingPolicy) -> [ValidationIssue] {
        var issues = name(policy.name, field: "name")
        if let seconds = policy.fairsharePolicy?.shareDecaySeconds, !(0...604_800).contains(seconds) {
            issues.append(.init(field: "fairsharePolicy.shareDecaySeconds", message: "must be between 0 and 604800 (one week) (got \(seconds))"))
        }
        if let percent = policy.fairsharePolicy?.computeReservation, !(0...99).contains(percent) {
            issues.append(.init(field: "fairsharePolicy.computeReservation", message: "must be between 0 and 99 (got \(percent))"))
        }
        issues += validate(tags: policy.tags, field: "tags")
        return issues
    }

    /// AWS's limits on tags: 1 to 50 per resource, keys of 1 to 128 characters, values of at most 256, no `aws:`
    /// prefix (reserved for AWS's own tags).
    public static func validate(tags: [String: String]?, field: String) -> [ValidationIssue] {
        guard let tags else { return [] }
        guard (1...50).contains(tags.count) else { return [.init(field: field, message: "give 1 to 50 tags (got \(tags.count))")] }
        var issues: [ValidationIssue] = []
        for (key, value) in tags.sorted(by: { $0.key < $1.key }) {
            if !(1...128).contains(key.count) {
                issues.append(.init(field: field, message: "key '\(key.prefix(40))' must be 1 to 128 characters"))
            } else if key.lowercased().hasPrefix("aws:") {
                issues.append(.init(field: field, message: "keys beginning with 'aws:' are reserved (\(key))"))
            }
            if value.count > 256 {
                issues.append(.init(field: "\(field).\(key)", message: "a value is at most 256 characters"))
            }
        }
        return issues
    }

    /// Why `name` cannot be a job's environment variable: empty, with `=` or NUL, or starting with
    /// AWS_BATCH (AWS's rule: those are set by the engine).
    static func environmentProblem(name: String) -> String? {
        if name.isEmpty { return "must not be empty" }
        if name.contains("\0") { return "must not contain a NUL character" }
        if name.contains("=") { return "must not contain '=' (got \"\(name)\")" }
        if name.hasPrefix("AWS_BATCH") { return "variables may not start with AWS_BATCH (\(name)); those are set by the engine" }
        return nil
    }

    /// AWS naming rule: 1-128 letters, digits, `-` and `_`, starting with a letter or digit.
    public static func name(_ value: String, field: String) -> [ValidationIssue] {
        let valid = !value.isEmpty && value.count <= 128
            && value.first!.isASCII && (value.first!.isLetter || value.first!.isNumber)
            && value.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
        if valid { return [] }
        return [.init(field: field, message: "\"\(value)\" is not a valid name: use 1-128 letters, digits, '-' and '_', starting with a letter or digit")]
    }
}
