import DroverCore
import DroverStore

extension Submit {
    /// The `SubmitJob` request the options describe: `--cli-input-json`'s members, AWS's options over them, then
    /// Drover's short forms; checked by ``Validator`` with every problem named by the option that caused it.
    func makeRequest() throws(DroverError) -> SubmitJobRequest {
        var origins = FlagOrigins(fromInputJSON: cliInputJSON != nil)
        let aws = try AWSRequest("SubmitJob", shape: .structure(SubmitJobRequest.memberShapes), cliInputJSON: cliInputJSON)
        var members = aws.members
        func set(_ member: String, _ flag: String, _ value: JSONValue?, leaf: String? = nil) {
            guard let value else { return }
            members[member] = value
            origins.add(leaf ?? member, flag, keepsPath: leaf == nil)
        }
        set("jobName", "--job-name", name.map(JSONValue.string))
        set("jobQueue", "--job-queue", jobQueue.map(JSONValue.string))
        set("jobDefinition", "--job-definition", jobDefinition.map(JSONValue.string))
        set("arrayProperties", "--array-properties", try aws.read(arrayProperties, "--array-properties", member: "arrayProperties"))
        set("parameters", "--parameters", try aws.read(parameterMap, "--parameters", member: "parameters"))
        set("containerOverrides", "--container-overrides", try aws.read(containerOverrides, "--container-overrides", member: "containerOverrides"))
        set("retryStrategy", "--retry-strategy", try aws.read(retryStrategy, "--retry-strategy", member: "retryStrategy"))
        if let timeout, let seconds = Int(timeout) {
            set("timeout", "--timeout", .object(["attemptDurationSeconds": .integer(seconds)]), leaf: "timeout.attemptDurationSeconds")
        } else if let timeout, !timeout.contains("="), !timeout.hasPrefix("{"), !timeout.hasPrefix("file://") {
            throw DroverError("--timeout \(timeout): expected SECONDS (a whole number), attemptDurationSeconds=N or JSON")
        } else {
            set("timeout", "--timeout", try aws.read(timeout, "--timeout", member: "timeout"))
        }
        set("tags", "--tags", try aws.read(tags, "--tags", member: "tags"))
        set("propagateTags", "--propagate-tags", propagateTags.map(JSONValue.bool))
        set("schedulingPriorityOverride", "--scheduling-priority-override", schedulingPriorityOverride.map(JSONValue.integer))
        set("shareIdentifier", "--share-identifier", shareIdentifier.map(JSONValue.string))
        set("dependsOn", "--depends-on", try dependencies(aws))

        guard case .string(let definition)? = members["jobDefinition"] else {
            throw DroverError("give the job definition: --job-definition (-d), or jobDefinition in --cli-input-json")
        }
        guard members["jobQueue"] != nil else { throw DroverError("give the job queue: --job-queue (-q), or jobQueue in --cli-input-json") }
        if members["jobName"] == nil {
            members["jobName"] = .string(ResourceName.fromArn(definition).split(separator: ":").first.map(String.init) ?? definition)
        }
        var request = try JSONValue.object(members).decode(SubmitJobRequest.self)
        var issues = try applyShortForms(to: &request, origins: &origins)
        issues += Validator.validate(request).map(origins.rename)
        if !issues.isEmpty { throw DroverError.invalid(issues) }
        return request
    }

    /// `--depends-on`'s values: AWS's forms (`jobId=ID,type=N_TO_N`, JSON) and Drover's (`ID`, `ID:N_TO_N`,
    /// `SEQUENTIAL`, `ID:SEQUENTIAL`), in the order given; nil when there are none.
    func dependencies(_ aws: AWSRequest) throws(DroverError) -> JSONValue? {
        guard !dependsOn.isEmpty else { return nil }
        var entries: [JSONValue] = []
        for text in dependsOn {
            if text.contains("=") || text.hasPrefix("[") || text.hasPrefix("{") || text.hasPrefix("file://") {
                entries += try aws.readList([text], "--depends-on", member: "dependsOn")?.array ?? []
            } else {
                entries += try Self.parseDependency(text).map { dependency in
                    .object(["jobId": dependency.jobId.map(JSONValue.string), "type": dependency.type.map { JSONValue.string($0.rawValue) }].compactMapValues { $0 })
                }
            }
        }
        return .array(entries)
    }

    /// Drover's short forms, over what AWS's options gave; the problems found in their numbers.
    func applyShortForms(to request: inout SubmitJobRequest, origins: inout FlagOrigins) throws(DroverError) -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        if let arraySize {
            request.arrayProperties = ArrayProperties(size: arraySize)
            origins.add("arrayProperties.size", "--array-size")
        }
        if let pairs = try Self.pairs(parameters, option: "--parameter") {
            request.parameters = (request.parameters ?? [:]).merging(pairs) { $1 }
        }
        if let retryAttempts {
            var strategy = request.retryStrategy ?? RetryStrategy(attempts: nil)
            strategy.attempts = retryAttempts
            request.retryStrategy = strategy
            origins.add("retryStrategy.attempts", "--retry-attempts")
        }
        var overrides = request.containerOverrides ?? ContainerProperties()
        if let env = try Self.pairs(environment, option: "--env") {
            var variables = overrides.environment ?? []
            for (name, value) in env.sorted(by: { $0.key < $1.key }) {
                variables.removeAll { $0.name == name }
                variables.append(KeyValuePair(name: name, value: value))
            }
            overrides.environment = variables
            origins.add("containerOverrides.environment", "--env")
        }
        let requirements: [(flag: String, type: String, value: String, problem: String?)] = [
            vcpus.map { ("--vcpus", "VCPU", PlacementDecision.format($0), ResourceLimits.problem(vcpus: $0)) },
            memory.map { ("--memory", "MEMORY", String($0), ResourceLimits.problem(memory: $0)) },
        ].compactMap { $0 }
        for (flag, type, value, problem) in requirements {
            if let problem {
                issues.append(ValidationIssue(field: flag, message: problem))
                continue
            }
            var list = overrides.resourceRequirements ?? []
            list.removeAll { $0.type.uppercased() == type }
            list.append(ResourceRequirement(type: type, value: value))
            overrides.resourceRequirements = list
        }
        if !command.isEmpty {
            overrides.command = command
            origins.add("containerOverrides.command", "the command after --")
        }
        if overrides != ContainerProperties() { request.containerOverrides = overrides }
        return issues
    }

    /// Parses `ID`, `ID:N_TO_N`, `SEQUENTIAL` and `ID:SEQUENTIAL` (child ids `PARENT:INDEX` allowed).
    static func parseDependency(_ text: String) throws(DroverError) -> [JobDependency] {
        if text.uppercased() == "SEQUENTIAL" || text.uppercased() == ":SEQUENTIAL" { return [JobDependency(type: .sequential)] }
        if text.hasSuffix(":N_TO_N") { return [JobDependency(jobId: String(text.dropLast(7)), type: .nToN)] }
        if text.hasSuffix(":SEQUENTIAL") {
            return [JobDependency(jobId: String(text.dropLast(11))), JobDependency(type: .sequential)]
        }
        guard !text.isEmpty else { throw DroverError("--depends-on needs a job id") }
        return [JobDependency(jobId: text)]
    }

    /// Parses `k=v` options into a map; nil when there are none.
    static func pairs(_ items: [String], option: String) throws(DroverError) -> [String: String]? {
        guard !items.isEmpty else { return nil }
        var result: [String: String] = [:]
        for item in items {
            guard let equals = item.firstIndex(of: "="), equals != item.startIndex else {
                throw DroverError("\(option) \(item): expected NAME=VALUE")
            }
            result[String(item[..<equals])] = String(item[item.index(after: equals)...])
        }
        return result
    }
}
