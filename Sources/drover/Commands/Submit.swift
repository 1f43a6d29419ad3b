import ArgumentParser
import DroverCore
import DroverStore

/// `drover submit`: submit one job (or array job) and print its id.
struct Submit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Submit a job to a queue and print its id.",
        discussion: """
            Examples:
              drover submit -q high -d hello --array-size 100
              drover submit -q high -d step2 --depends-on k3x9m2qd:N_TO_N --array-size 100
              drover submit -q high -d hello -- echo overridden command
            """)

    @OptionGroup var global: GlobalOptions

    @Option(name: [.customShort("q"), .customLong("job-queue")], help: "Queue name or ARN.")
    var jobQueue: String

    @Option(name: [.customShort("d"), .customLong("job-definition")], help: "Definition name, name:revision or ARN.")
    var jobDefinition: String

    @Option(name: [.customShort("n"), .customLong("name")], help: "Job name (default: the definition's name).")
    var name: String?

    // Numbers are read with `.unconditional` so that `--vcpus -1` reaches the validator (and its
    // message) instead of being taken for a flag.
    @Option(parsing: .unconditional, help: "Run as an array job of this many children (2-1000000).")
    var arraySize: Int?

    @Option(name: .customLong("depends-on"), help: "ID, ID:N_TO_N, SEQUENTIAL or ID:SEQUENTIAL (repeatable).")
    var dependsOn: [String] = []

    @Option(name: [.customShort("p"), .customLong("parameter")], help: "Parameter k=v for Ref::k (repeatable).")
    var parameters: [String] = []

    @Option(name: [.customShort("e"), .customLong("env")], help: "Environment variable K=V (repeatable).")
    var environment: [String] = []

    @Option(parsing: .unconditional, help: "Total attempts, 1-10 (replaces the definition's retry strategy).")
    var retryAttempts: Int?

    @Option(parsing: .unconditional, help: "Attempt time limit in seconds (1 to one year).")
    var timeout: Int?

    @Option(parsing: .unconditional, help: "vCPUs to hold while running (more than 0, at most 10000).")
    var vcpus: Double?

    @Option(parsing: .unconditional, help: "Memory to hold while running, in MiB (1 to 1073741824).")
    var memory: Int?

    @Argument(parsing: .postTerminator, help: "Command override, after --.")
    var command: [String] = []

    func run() throws {
        let request = try makeRequest()
        let submitted = try global.store().submit([request])
        if global.output == .json {
            try Printer.json(submitted.map { ["jobId": $0.jobId, "jobName": $0.jobName, "jobArn": "arn:aws:batch:local:000000000000:job/\($0.jobId)"] }[0])
        } else {
            try Printer.out(submitted[0].jobId)
        }
    }

    func makeRequest() throws(DroverError) -> SubmitJobRequest {
        let definitionName = ResourceName.fromArn(jobDefinition).split(separator: ":").first.map(String.init) ?? jobDefinition
        var request = SubmitJobRequest(jobName: name ?? definitionName, jobQueue: jobQueue, jobDefinition: jobDefinition, arraySize: arraySize)
        var dependencies: [JobDependency] = []
        for text in dependsOn { dependencies += try Self.parseDependency(text) }
        request.dependsOn = dependencies.isEmpty ? nil : dependencies
        request.parameters = try Self.pairs(parameters, option: "--parameter")
        if retryAttempts != nil { request.retryStrategy = RetryStrategy(attempts: retryAttempts) }
        if let timeout { request.timeout = JobTimeout(attemptDurationSeconds: timeout) }
        let env = try Self.pairs(environment, option: "--env")
        if !command.isEmpty || env != nil || vcpus != nil || memory != nil {
            request.containerOverrides = ContainerProperties(
                command: command.isEmpty ? nil : command,
                environment: env?.sorted { $0.key < $1.key }.map { KeyValuePair(name: $0.key, value: $0.value) },
                vcpus: vcpus, memory: memory)
        }
        let issues = Validator.validate(request).map { issue in
            var issue = issue
            issue.field = Self.flags.first { issue.field.hasPrefix($0.field) }?.flag ?? issue.field
            return issue
        }
        if !issues.isEmpty { throw DroverError.invalid(issues) }
        return request
    }

    /// The flag that set each request field, so that problems name what the user typed.
    static let flags: [(field: String, flag: String)] = [
        ("jobName", "--name"), ("arrayProperties.size", "--array-size"), ("dependsOn", "--depends-on"),
        ("retryStrategy.attempts", "--retry-attempts"), ("timeout.attemptDurationSeconds", "--timeout"),
        ("containerOverrides.vcpus", "--vcpus"), ("containerOverrides.memory", "--memory"),
        ("containerOverrides.environment", "--env"), ("containerOverrides.command", "the command after --"),
    ]

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
