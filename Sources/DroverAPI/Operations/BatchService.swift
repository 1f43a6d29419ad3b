import DroverCore
import DroverStore
import Foundation

/// AWS Batch's operations over one store: each takes the JSON body of its request and gives the JSON body of its
/// response, or an ``APIError``. The HTTP server (``APIServer``) and the CLI's `--output json` both go through it,
/// so that both speak AWS's shapes.
public final class BatchService: Sendable {
    /// The store worked on.
    public let store: Store
    /// ARNs of this server.
    public let arns: ARNBuilder
    /// Called after a change the engine should see at once (a submit, a cancel, a new queue).
    let wake: @Sendable () -> Void

    /// Creates the operations over `store`; `wake` tells a running engine to look at the store now.
    public init(store: Store, arns: ARNBuilder = .standard, wake: @escaping @Sendable () -> Void = {}) {
        self.store = store
        self.arns = arns
        self.wake = wake
    }

    var shapes: JobShapes { JobShapes(arns: arns, store: store) }

    /// What a request carries beside its body that an operation uses.
    public struct RequestContext: Sendable {
        /// The W3C trace context of its `traceparent` and `tracestate` headers, which a submitted job's spans join.
        public var trace: TraceContext?

        /// Creates a context.
        public init(trace: TraceContext? = nil) {
            self.trace = trace
        }
    }

    /// Performs the operation named by the last segment of its path (`submitjob`), case-insensitively.
    public func perform(_ operation: String, body: Data, context: RequestContext = RequestContext()) -> Result<Data, APIError> {
        let key = operation.lowercased()
        guard let handler = Self.operations[key]?.run else {
            if let name = BatchOperationNames.all.first(where: { $0.lowercased() == key }) {
                return .failure(.client("\(name) is not supported by Drover"))
            }
            return .failure(.client("unknown operation '\(operation)': AWS Batch's operations are POST /v1/<name>, e.g. /v1/submitjob"))
        }
        let limit = Self.bodyLimits[key] ?? Self.defaultBodyLimit
        guard body.count <= limit else {
            return .failure(.client("the request body is \(Self.size(body.count)); \(Self.displayName(key)) takes at most \(Self.size(limit)) (AWS Batch's quota)"))
        }
        do {
            return .success(try handler(self, body.isEmpty ? Data("{}".utf8) : body, context))
        } catch let error as APIError {
            return .failure(error)
        } catch let error as DroverError {
            return .failure(APIError(error))
        } catch {
            return .failure(.server("\(error)"))
        }
    }

    typealias Handler = @Sendable (BatchService, Data, RequestContext) throws -> Data

    /// One operation Drover performs: how, and the shape in AWS's model its request is checked against (for those
    /// whose request is kept as JSON).
    struct Operation: Sendable {
        var run: Handler
        var requestShape: ModelShape?
    }

    /// AWS Batch's quotas on request size: a SubmitJob payload of 30 KiB, a job definition of 24 KiB.
    static let bodyLimits = ["submitjob": 30 << 10, "registerjobdefinition": 24 << 10]
    /// Every other operation's requests are small; this bounds what one may make the server parse.
    static let defaultBodyLimit = 256 << 10

    static func size(_ bytes: Int) -> String {
        bytes >= 1 << 20 ? String(format: "%.1f MiB", Double(bytes) / 1_048_576) : "\(bytes / 1024) KiB" + (bytes % 1024 == 0 ? "" : " \(bytes % 1024) bytes")
    }

    /// The operation's name as AWS writes it (`SubmitJob`), from its lower-case form.
    static func displayName(_ key: String) -> String {
        BatchOperationNames.all.first { $0.lowercased() == key } ?? key
    }

    /// Operations Drover performs, by lower-case name.
    static let operations: [String: Operation] = {
        var table: [String: Operation] = [:]
        func add<Request: Decodable & SendableMetatype, Response: Encodable & SendableMetatype>(
            _ name: String, _ run: @escaping @Sendable (BatchService, Request, RequestContext) throws -> Response
        ) {
            table[name.lowercased()] = Operation(run: { service, body, context in
                let request = try RequestDecoder.decode(Request.self, from: body, operation: name)
                return try ResponseEncoder.encode(try run(service, request, context))
            })
        }
        func add<Request: Decodable & SendableMetatype, Response: Encodable & SendableMetatype>(_ name: String, _ run: @escaping @Sendable (BatchService, Request) throws -> Response) {
            add(name) { service, request, _ in try run(service, request) }
        }
        /// An operation whose request is checked against its shape in AWS's model and kept as JSON (the resources'
        /// documents keep every member given).
        func add<Response: Encodable & SendableMetatype>(_ name: String, checking shape: ModelShape, _ run: @escaping @Sendable (BatchService, JSONValue) throws -> Response) {
            table[name.lowercased()] = Operation(run: { service, body, _ in
                var problems: [String] = []
                let request = shape.checked(try JSONValue.parse(body, operation: name), at: "", problems: &problems)
                guard problems.isEmpty else { throw APIError.client("\(name): \(problems.joined(separator: "; "))") }
                return try ResponseEncoder.encode(try run(service, request))
            }, requestShape: shape)
        }
        add("SubmitJob", { service, request, context in
            var request: SubmitJobRequest = request
            request.traceContext = context.trace
            return try service.submitJob(request)
        })
        add("DescribeJobs", { try $0.describeJobs($1) })
        add("ListJobs", { try $0.listJobs($1) })
        add("CancelJob", { try $0.cancelJob($1) })
        add("TerminateJob", { try $0.terminateJob($1) })
        add("GetJobQueueSnapshot", { try $0.jobQueueSnapshot($1) })
        add("CreateComputeEnvironment", checking: .createComputeEnvironmentRequest, { try $0.createComputeEnvironment($1) })
        add("UpdateComputeEnvironment", checking: .updateComputeEnvironmentRequest, { try $0.updateComputeEnvironment($1) })
        add("DeleteComputeEnvironment", { try $0.deleteComputeEnvironment($1) })
        add("DescribeComputeEnvironments", { try $0.describeComputeEnvironments($1) })
        add("CreateJobQueue", checking: .createJobQueueRequest, { try $0.createJobQueue($1) })
        add("UpdateJobQueue", checking: .updateJobQueueRequest, { try $0.updateJobQueue($1) })
        add("DeleteJobQueue", { try $0.deleteJobQueue($1) })
        add("DescribeJobQueues", { try $0.describeJobQueues($1) })
        add("RegisterJobDefinition", checking: .registerJobDefinitionRequest, { try $0.registerJobDefinition($1) })
        add("DeregisterJobDefinition", { try $0.deregisterJobDefinition($1) })
        add("DescribeJobDefinitions", { try $0.describeJobDefinitions($1) })
        add("CreateSchedulingPolicy", checking: .createSchedulingPolicyRequest, { try $0.createSchedulingPolicy($1) })
        add("UpdateSchedulingPolicy", checking: .updateSchedulingPolicyRequest, { try $0.updateSchedulingPolicy($1) })
        add("DeleteSchedulingPolicy", { try $0.deleteSchedulingPolicy($1) })
        add("DescribeSchedulingPolicies", { try $0.describeSchedulingPolicies($1) })
        add("ListSchedulingPolicies", { try $0.listSchedulingPolicies($1) })
        return table
    }()

    /// Resolves a name or ARN of `kind` to the name, or a ClientException naming `field`.
    func name(_ reference: String, _ kind: BatchARN.Kind, field: String) throws(APIError) -> String {
        switch arns.resolve(reference, as: kind) {
        case .success(let name): return name
        case .failure(let problem): throw APIError.client("\(field): \(problem.description)")
        }
    }
}

/// Reads request bodies, turning JSON and type errors into ClientExceptions that name the member.
enum RequestDecoder {
    static func decode<T: Decodable>(_ type: T.Type, from body: Data, operation: String) throws(APIError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: body)
        } catch let error as DecodingError {
            throw APIError.client("\(operation): \(describe(error))")
        } catch {
            throw APIError.client("\(operation): the request body is not valid JSON: \(error)")
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            var text = ""
            for key in keys {
                if let index = key.intValue { text += "[\(index)]" } else { text += (text.isEmpty ? "" : ".") + key.stringValue }
            }
            return text.isEmpty ? "the request body" : text
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = path(context.codingPath)
            return "missing required member '\(key.stringValue)'" + (context.codingPath.isEmpty ? "" : " in \(parent)")
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)): expected \(label(type))"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)): expected \(label(type)), got null"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return "the request body is not valid JSON" }
            return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "the request body could not be read"
        }
    }

    static func label(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int32.Type, is Int64.Type: "an integer"
        case is Double.Type: "a number"
        case is Bool.Type: "true or false"
        default: String(describing: type).hasPrefix("Array") ? "a list" : "an object"
        }
    }
}

/// Writes response bodies.
enum ResponseEncoder {
    static func encode<T: Encodable>(_ value: T) throws -> Data {
        try StreamingJSONEncoder.encode(value)
    }
}

/// An empty response body (`{}`), as AWS answers CancelJob and TerminateJob.
struct EmptyResponse: Encodable {}
