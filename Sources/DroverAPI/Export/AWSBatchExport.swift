import DroverCore
import Foundation

/// `drover export aws-batch`: a job file as the requests AWS Batch itself takes, each the `--cli-input-json` body of
/// an `aws batch` command: `create-compute-environment`, `create-job-queue`, `register-job-definition` and
/// `submit-job`.
///
/// Each object is written from the file as given (members Drover keeps without running them, such as roles or log
/// configuration, included) through AWS's model (``ModelShape/projected(_:)``): members the model does not have
/// (Drover's `simulation`, `slurm`, `maxInterruptions`, a job's `dependsOn` by `jobName`) are left out with a note,
/// and values take the model's types. Drover's retry-rule conditions `onSignal` and `onOutOfMemory` have no AWS
/// counterpart, so a rule that uses them is left out whole (dropping the condition alone would widen the rule).
/// A compute environment is written only when the file gives what AWS needs to create it (subnets, an instance
/// role...), which a local file seldom does.
public struct AWSBatchExport: Sendable {
    /// One request.
    public struct Request: Sendable, Equatable {
        /// The `aws batch` command that takes it: `register-job-definition`.
        public var command: String
        /// The name of what it creates or submits.
        public var name: String
        /// The `--cli-input-json` body.
        public var body: JSONValue

        /// `register-job-definition-NAME.json`.
        public var fileName: String { "\(command)-\(name).json" }
    }

    /// The requests, environments first, then queues, definitions and jobs (the order to run them in), each in the
    /// file's order.
    public var requests: [Request]
    /// What was left out or reads differently on AWS, each once.
    public var notes: [ExportNote]

    /// The commands, in the order their requests must run.
    public static let commands = ["create-compute-environment", "create-job-queue", "register-job-definition", "submit-job"]
    /// AWS Batch's largest array job.
    public static let maxArraySize = 10_000

    /// Translates everything `file` declares; `parameters` (`-p k=v`) go into every job's `parameters`, `image` into
    /// every definition that names none. Throws, naming the file, line and member, when a definition has no image
    /// and `image` is not given (AWS refuses a container definition without one); nothing is translated then.
    public init(file: ResourceFile, parameters: [String: String] = [:], image: String? = nil) throws(DroverError) {
        var requests: [Request] = []
        var notes: [ExportNote] = []
        var issues: [ValidationIssue] = []
        for located in file.computeEnvironments {
            let name = located.value.computeEnvironmentName
            var body = Self.object(located.document)
            body["type"] = body["type"] ?? .string(body["computeResources"] == nil ? "UNMANAGED" : "MANAGED")
            let missing = Self.missingForAWS(body)
            guard missing.isEmpty else {
                notes.append(ExportNote(.warning, location: located.location, subject: "compute environment \(name)",
                                        "not written: AWS needs \(missing.joined(separator: ", ")), which the file does not give (add them to it: Drover keeps them without using them)"))
                continue
            }
            requests += Self.request(body, as: .createComputeEnvironmentRequest, command: "create-compute-environment", name: name,
                                     located: located.location, subject: "compute environment \(name)", notes: &notes)
        }
        for located in file.jobQueues {
            let name = located.value.jobQueueName
            requests += Self.request(Self.object(located.document), as: .createJobQueueRequest, command: "create-job-queue", name: name,
                                     located: located.location, subject: "job queue \(name)", notes: &notes)
        }
        for located in file.jobDefinitions {
            let name = located.value.jobDefinitionName
            let subject = "job definition \(name)"
            var body = Self.object(located.document)
            body["type"] = body["type"] ?? .string("container")
            var container = body["containerProperties"] ?? .object([:])
            if container["image"] == nil {
                guard let image else {
                    issues.append(ValidationIssue(location: located.location, field: "containerProperties.image", message: "\(subject) names no image, which AWS needs: give one, or --image for definitions without one"))
                    continue
                }
                container["image"] = .string(image)
                body["containerProperties"] = container
            }
            body = Self.awsRules(body, location: located.location, subject: subject, notes: &notes)
            requests += Self.request(ResourceShapes.awsForm(definition: body), as: .registerJobDefinitionRequest, command: "register-job-definition",
                                     name: name, located: located.location, subject: subject, notes: &notes)
        }
        for located in file.jobs {
            requests += Self.job(located, parameters: parameters, notes: &notes)
        }
        if !issues.isEmpty {
            throw DroverError(DroverError.invalid(issues, nothingChanged: false).message + "\nnothing was written.")
        }
        if file.simulation != nil {
            notes.append(ExportNote(.note, location: file.path, subject: "simulation", "Drover's settings of its spot simulation: not written"))
        }
        for located in file.updates {
            notes.append(ExportNote(.note, location: located.location, subject: "\(located.value.kind.label) update",
                                    "not written: it is already AWS's \(located.value.kind.operation) request; give the file to `aws batch` as it is"))
        }
        self.requests = requests
        self.notes = ExportNote.unique(notes)
    }

    /// Every request in one JSON object, a list of bodies per command (`{"submit-job": [...]}`).
    public var combined: JSONValue {
        var members: [String: JSONValue] = [:]
        for command in Self.commands {
            let bodies = requests.filter { $0.command == command }.map(\.body)
            if !bodies.isEmpty { members[command] = .array(bodies) }
        }
        return .object(members)
    }

    /// `value` as indented JSON with sorted keys, ending with a newline.
    public static func text(_ value: JSONValue) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return ((try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "null") + "\n"
    }

    /// The `submit-job` request of one job.
    static func job(_ located: Located<SubmitJobRequest>, parameters: [String: String], notes: inout [ExportNote]) -> [Request] {
        let name = located.value.jobName
        let subject = "job \(name)"
        var body = Self.object(located.document)
        if !parameters.isEmpty {
            var merged = body["parameters"]?.object ?? [:]
            for (key, value) in parameters { merged[key] = .string(value) }
            body["parameters"] = .object(merged)
        }
        if let dependencies = body["dependsOn"]?.array {
            var kept: [JSONValue] = []
            for (index, dependency) in dependencies.enumerated() {
                guard let target = dependency["jobName"]?.string else {
                    kept.append(dependency)
                    continue
                }
                let type = dependency["type"]?.string.map { ",type=\($0)" } ?? ""
                notes.append(ExportNote(.warning, location: located.location, subject: subject,
                                        "dependsOn[\(index)] names job \(target) of the file, where AWS takes a job id, known once \(target) is submitted: left out; submit with --depends-on jobId=ID\(type)"))
            }
            body["dependsOn"] = kept.isEmpty ? nil : .array(kept)
        }
        if let size = located.value.arrayProperties?.size, size > maxArraySize {
            notes.append(ExportNote(.warning, location: located.location, subject: subject,
                                    "arrayProperties.size \(size) is above AWS Batch's \(maxArraySize): AWS refuses the job"))
        }
        body = Self.awsRules(body, location: located.location, subject: subject, notes: &notes)
        return request(ResourceShapes.awsForm(definition: body, container: "containerOverrides"), as: .submitJobRequest, command: "submit-job",
                       name: name, located: located.location, subject: subject, notes: &notes)
    }

    /// `body` through `shape`, with a note naming the members the model left out; none when the model refuses it.
    static func request(_ body: JSONValue, as shape: ModelShape, command: String, name: String, located: String, subject: String,
                        notes: inout [ExportNote]) -> [Request] {
        guard let projected = shape.projected(body) else {
            var problems: [String] = []
            _ = shape.checked(body, at: "", problems: &problems)
            notes.append(ExportNote(.warning, location: located, subject: subject, "not written: \(problems.joined(separator: "; "))"))
            return []
        }
        let left = removed(body, projected)
        if !left.isEmpty {
            notes.append(ExportNote(.note, location: located, subject: subject, "left out (not in AWS's \(command) request): \(left.joined(separator: ", "))"))
        }
        return [Request(command: command, name: name, body: projected)]
    }

    /// The field paths of `original` that `kept` lacks, sorted (a list that lost entries is named once, with how many).
    static func removed(_ original: JSONValue, _ kept: JSONValue?, path: String = "") -> [String] {
        guard let kept else { return [path] }
        switch (original, kept) {
        case (.object(let given), .object(let left)):
            return given.keys.sorted().flatMap { key -> [String] in
                guard let value = given[key], value != .null else { return [] }
                return removed(value, left[key], path: path.isEmpty ? key : "\(path).\(key)")
            }
        case (.array(let given), .array(let left)) where given.count == left.count:
            return zip(given, left).enumerated().flatMap { removed($0.element.0, $0.element.1, path: "\(path)[\($0.offset)]") }
        case (.array(let given), .array(let left)):
            return ["\(path) (\(given.count - left.count) of \(given.count) entries)"]
        default:
            return []
        }
    }

    /// The JSON object of a stored document (the loader wrote it, so it is one).
    static func object(_ document: String) -> JSONValue {
        (try? JSONValue(parsing: document)) ?? .object([:])
    }
}
