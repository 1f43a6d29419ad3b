import DroverCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// How `drover serve --api` serves AWS Batch's API.
public struct APIServerSettings: Sendable {
    /// Address to listen on (loopback unless the user chooses otherwise).
    public var host: String
    /// Port; 0 picks a free one (the one chosen is reported to `onListening`).
    public var port: Int
    /// The key pair requests must be signed with.
    public var credentials: APICredentials
    /// Requests per second above which the server answers TooManyRequestsException; nil: no limit.
    public var rateLimit: Double?
    /// Largest request body read, in bytes; larger ones are refused unread (each operation has its own, smaller,
    /// quota: see ``BatchService``).
    public var maxBodyBytes = 1 << 20
    /// Seconds a connection may stay without a byte read or written (between requests, or halfway through one's head
    /// or body) before the server closes it, so that abandoned or hostile clients cannot hold every file descriptor;
    /// a request being answered is never cut. `DROVER_API_IDLE_TIMEOUT_SECONDS` sets it for `drover serve`.
    public var idleTimeout: Double = 60

    /// Creates settings.
    public init(host: String, port: Int, credentials: APICredentials, rateLimit: Double? = nil) {
        self.host = host
        self.port = port
        self.credentials = credentials
        self.rateLimit = rateLimit
    }
}

/// A handler of requests outside AWS Batch's API, which are not signed: `/metrics`, `/v1/events`, the dashboard.
public protocol WebHandler: Sendable {
    /// The response to `request` when this handler serves its path, else nil (the next handler, and last the
    /// API, is asked).
    func respond(to request: Request) async -> Response?
}

/// AWS Batch's REST-JSON protocol over HTTP/1.1: `POST /v1/<operation>` and the tag operations on
/// `/v1/tags/{resourceArn}`, every request checked with SigV4 first, every response with `x-amzn-RequestId`.
public struct APIServer: Sendable {
    let service: BatchService
    let settings: APIServerSettings
    let verifier: SigV4Verifier
    /// Step Functions' operations (`POST /` with `X-Amz-Target: AWSStepFunctions.<Operation>`), nil when not served.
    let stepFunctions: StepFunctionsService?
    /// The check of requests to Step Functions, signed for the service `states` with the same key pair.
    let statesVerifier: SigV4Verifier
    let limiter: RateLimiter?
    /// Where requests that change the store run, one at a time in arrival order.
    let writes = DispatchQueue(label: "drover.api.writes")
    /// Handlers asked, in order, before a request is taken for an API call.
    let web: [any WebHandler]

    /// Creates a server for `service` (and `stepFunctions`, when given), with `web` serving what is not AWS's API.
    public init(service: BatchService, settings: APIServerSettings, web: [any WebHandler] = [], stepFunctions: StepFunctionsService? = nil) {
        self.service = service
        self.settings = settings
        self.web = web
        self.stepFunctions = stepFunctions
        let secrets = [settings.credentials.accessKeyId: settings.credentials.secretAccessKey]
        self.verifier = SigV4Verifier(secrets: secrets)
        self.statesVerifier = SigV4Verifier(secrets: secrets, service: StepFunctionsService.signingName)
        self.limiter = settings.rateLimit.map(RateLimiter.init(rate:))
    }

    /// The Hummingbird application: a swift-service-lifecycle `Service` that stops gracefully with its group,
    /// finishing the requests under way. `onListening` gets the port actually bound.
    public func application(logger: Logger, onListening: @escaping @Sendable (Int) async -> Void = { _ in })
        -> some Service
    {
        let server = self
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            await server.respond(to: request)
        }
        let idle = TimeAmount.nanoseconds(Int64(max(0.001, settings.idleTimeout) * 1_000_000_000))
        let application = Application(
            responder: responder,
            server: .http1(configuration: .init(idleTimeout: idle)),
            configuration: ApplicationConfiguration(address: .hostname(settings.host, port: settings.port), serverName: nil),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
            logger: logger)
        return ListeningService(application: application, address: "\(settings.host):\(settings.port)")
    }

    /// Answers one request; never throws: every failure is an AWS-shaped error.
    func respond(to request: Request) async -> Response {
        // Step Functions' requests (`POST /` with `X-Amz-Target`) come first: the dashboard serves that path too.
        let states = Self.statesOperation(request)
        for handler in web where states == nil {
            if let response = await handler.respond(to: request) { return response }
        }
        let requestId = UUID().uuidString.lowercased()
        let result: Result<Data, APIError>
        if let limiter, !limiter.admit() {
            result = .failure(.throttled(limit: limiter.rate))
        } else {
            result = await handle(request)
        }
        var headers = HTTPFields()
        headers[.contentType] = states == nil ? "application/json" : "application/x-amz-json-1.0"
        headers[HTTPField.Name("x-amzn-RequestId")!] = requestId
        switch result {
        case .success(let body):
            headers[.contentLength] = String(body.count)
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
        case .failure(let error):
            headers[HTTPField.Name("x-amzn-ErrorType")!] = error.code
            let body = error.body
            headers[.contentLength] = String(body.count)
            return Response(status: HTTPResponse.Status(code: error.status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
    }

    func handle(_ request: Request) async -> Result<Data, APIError> {
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: settings.maxBodyBytes)
        } catch {
            return .failure(.client("the request body is over \(BatchService.size(settings.maxBodyBytes)); AWS Batch's requests are at most 30 KiB"))
        }
        let bytes = Array(body.readableBytesView)
        var headers: [(name: String, value: String)] = []
        if let authority = request.head.authority { headers.append(("host", authority)) }
        for field in request.headers { headers.append((field.name.rawName, field.value)) }
        let path = request.uri.path
        let signed = SignedRequest(method: request.method.rawValue, path: path, query: request.uri.query ?? "", headers: headers, body: bytes)
        let states = Self.statesOperation(request)
        if case .failure(let failure) = (states == nil ? verifier : statesVerifier).verify(signed, now: Date()) {
            return .failure(APIError(code: failure.code, status: 403, message: failure.message))
        }
        if let states {
            return await performStates(states, method: request.method, path: path, body: Data(bytes))
        }
        // Operations read and write the store synchronously, off the tasks that move bytes in and out (which would
        // otherwise queue behind them: a tail 8 times the median latency). Reads run on NIO's thread pool, in the order
        // they arrive; writes, which SQLite takes one at a time anyway, on one queue of their own, so that a long one
        // (cancelling a million children) never holds up a DescribeJobs.
        let method = request.method
        let query = request.uri.query ?? ""
        let trace = request.headers[HTTPField.Name("traceparent")!].flatMap(TraceParent.init).map { parent in
            TraceContext(parent: parent, state: TraceParent.state(request.headers[HTTPField.Name("tracestate")!]))
        }
        let server = self
        let work: @Sendable () -> Result<Data, APIError> = {
            server.route(method: method, path: path, query: query, body: Data(bytes), context: BatchService.RequestContext(trace: trace))
        }
        if Self.isRead(method: method, path: path) {
            do {
                return try await NIOThreadPool.singleton.runIfActive(work)
            } catch {
                return .failure(.server("the server is stopping"))
            }
        }
        return await withCheckedContinuation { continuation in
            writes.async { continuation.resume(returning: work()) }
        }
    }

    /// The Step Functions operation a request names in `X-Amz-Target` (`AWSStepFunctions.StartExecution`), nil for
    /// any other request.
    static func statesOperation(_ request: Request) -> String? {
        guard let target = request.headers[HTTPField.Name("x-amz-target")!], target.hasPrefix(StepFunctionsService.targetPrefix) else {
            return nil
        }
        return String(target.dropFirst(StepFunctionsService.targetPrefix.count))
    }

    /// Performs a checked Step Functions request (awsJson 1.0: `POST /`), reads on the thread pool, changes on the
    /// queue of writes, as Batch's operations.
    func performStates(_ operation: String, method: HTTPRequest.Method, path: String, body: Data) async -> Result<Data, APIError> {
        guard let stepFunctions else {
            return .failure(.states("UnknownOperationException", "this server does not serve Step Functions"))
        }
        guard method == .post, path == "/" else {
            return .failure(.states("ValidationException", "\(method.rawValue) \(path): Step Functions' operations are POST /"))
        }
        let work: @Sendable () -> Result<Data, APIError> = { stepFunctions.perform(operation, body: body) }
        if StepFunctionsService.isRead(operation) {
            do {
                return try await NIOThreadPool.singleton.runIfActive(work)
            } catch {
                return .failure(.server("the server is stopping"))
            }
        }
        return await withCheckedContinuation { continuation in
            writes.async { continuation.resume(returning: work()) }
        }
    }

    /// Whether a request only reads the store: `Describe*`, `List*`, `Get*`, and GET on tags.
    static func isRead(method: HTTPRequest.Method, path: String) -> Bool {
        if path.hasPrefix("/v1/tags/") { return method == .get }
        let operation = path.dropFirst(4).lowercased()
        return ["describe", "list", "get"].contains { operation.hasPrefix($0) }
    }

    /// Sends a checked request to its operation.
    func route(method: HTTPRequest.Method, path: String, query: String, body: Data,
               context: BatchService.RequestContext = BatchService.RequestContext()) -> Result<Data, APIError> {
        let tagsPrefix = "/v1/tags/"
        if path.hasPrefix(tagsPrefix) {
            let encoded = String(path.dropFirst(tagsPrefix.count))
            guard let arn = encoded.removingPercentEncoding, !arn.isEmpty else {
                return .failure(.client("the path must end with a resource ARN: /v1/tags/{resourceArn}"))
            }
            return service.tags(method: method.rawValue, resourceArn: arn, query: query, body: body)
        }
        guard path.hasPrefix("/v1/"), path.count > 4, !path.dropFirst(4).contains("/") else {
            return .failure(.client("unknown path '\(path)': AWS Batch's operations are POST /v1/<name>, e.g. /v1/submitjob"))
        }
        guard method == .post else {
            return .failure(.client("\(method.rawValue) \(path): AWS Batch's operations take POST"))
        }
        return service.perform(String(path.dropFirst(4)), body: body, context: context)
    }
}

/// The HTTP application, with a failure to listen (an address in use, not on this machine) told in a user's words.
struct ListeningService: Service {
    let application: any Service
    let address: String

    func run() async throws {
        do {
            try await application.run()
        } catch let error as IOError {
            throw DroverError("cannot serve the API at \(address): \(String(cString: strerror(error.errnoCode)))", exitCode: 1)
        }
    }
}
