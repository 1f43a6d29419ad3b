import ArgumentParser
import CDroverSpawn
import DroverAPI
import DroverCore
import DroverEngine
import DroverStore
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import UnixSignals

/// `drover serve`: the long-lived engine, and with `--api` AWS Batch's API beside it.
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the engine until stopped, picking up jobs submitted by other drover commands; with --api, serve AWS Batch's API too.",
        discussion: """
            SIGINT, SIGTERM or SIGHUP stop it; running jobs go on under their supervisor and the next engine \
            (a newer drover binary too) adopts them and records how they ended. It logs what it does to standard \
            error (--log-level, --log-format).

            With --api ADDRESS, AWS's own clients drive it: AWS_ENDPOINT_URL_BATCH=http://ADDRESS aws batch ..., or \
            boto3.client("batch", endpoint_url="http://ADDRESS"). Requests are signed with AWS Signature Version 4 using \
            AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY from the server's environment, or else the pair kept in \
            STATE/credentials, which `drover credentials` prints as export lines. Step Functions' API is served on the same \
            address (boto3.client("stepfunctions", endpoint_url=...), AWS_ENDPOINT_URL_SFN; docs/workflows.md). GET /metrics on the same address \
            (not signed) serves Prometheus metrics: jobs by queue and state, waits, attempt ends, retries, cost \
            (docs/metrics.md).
            """)

    @OptionGroup var global: GlobalOptions

    @Option(parsing: .unconditional, help: "Seconds between looks for new work and requests from other processes (at most 60).")
    var pollInterval: Double = 0.2

    @OptionGroup(title: "Engine log") var log: LogOptions

    @OptionGroup(title: "Spot simulation") var simulation: SimulationOptions

    @OptionGroup(title: "AWS Batch API") var api: APIOptions

    @OptionGroup(title: "Events") var events: EventOptions

    @Flag(help: "Exit once no job is RUNNABLE, STARTING or RUNNING (like `sbatch --wait` for a whole state directory).")
    var exitWhenIdle = false

    func run() throws {
        guard pollInterval > 0 && pollInterval <= 60 else {
            throw DroverError("--poll-interval must be more than 0 and at most 60 seconds (got \(PlacementDecision.format(pollInterval)))")
        }
        let endpoint = try api.endpoint()
        let retention = try events.retentionSeconds()
        let webhookURLs = try events.webhookURLs()
        let collector = try events.collector()
        let arns = try endpoint.map { _ throws(DroverError) in try api.arns() }
        let store = try global.store()
        let credentials = try endpoint.map { _ throws(DroverError) in
            try APICredentials.resolve(environment: ProcessInfo.processInfo.environment, stateDirectory: global.directory)
        }
        guard let lock = try EngineLock(directory: global.directory) else {
            throw DroverError("another engine is already running on \(global.directory.path)", exitCode: 1)
        }
        var options = try simulation.engineOptions()
        options.pollInterval = max(0.01, pollInterval)
        options.logger = log.logger(defaultLevel: .info)
        options.eventRetentionSeconds = retention
        // `GET /metrics` beside the API; without --api the engine measures nothing.
        let metrics = endpoint.map { _ in MetricsEndpoint(store: store) }
        options.metrics = metrics?.engineMetrics ?? .disabled
        options.describeJob = JobShapes(arns: try arns ?? global.arns(), store: store).describe
        let engineOptions = options
        let inbox = Inbox()
        // A container's first process takes everything with it when it ends: there, stop the jobs
        // and put them back in their queue rather than leave them to a supervisor about to die.
        let mode: Inbox.StopMode = drover_is_first_process() != 0 ? .stopJobs : .detach
        let idleExit = exitWhenIdle
        let engine = BlockingService(name: "engine", body: {
            let engine = Engine(store: store, options: engineOptions, inbox: inbox)
            let lastCheck = Mutex(Date.distantPast)
            try engine.run(holding: lock) {
                guard idleExit, Date().timeIntervalSince(lastCheck.withLock { $0 }) >= 0.1 else { return false }
                lastCheck.withLock { $0 = Date() }
                return try store.countActive() == 0 && !store.hasRunningExecutions()
            }
        }, stop: { inbox.requestStop(mode) })
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: engine, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup),
        ]
        let eventShapes = EventShapes(arns: try arns ?? global.arns(), store: store)
        for url in webhookURLs {
            let webhook = EventWebhook.delivery(url: url, shapes: eventShapes, logger: options.logger)
            services.append(.init(service: BlockingService(name: "events webhook", body: { webhook.run() }, stop: { webhook.stop() }),
                                  successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup))
        }
        if let collector {
            let export = OTLPExporter.delivery(url: collector, shapes: eventShapes, logger: options.logger)
            services.append(.init(service: BlockingService(name: "otlp export", body: { export.run() }, stop: { export.stop() }),
                                  successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup))
        }
        if let endpoint, let credentials, let arns {
            let service = BatchService(store: store, arns: arns, wake: { inbox.nudge() })
            var web: [any WebHandler] = metrics.map { [$0] } ?? []
            web += [EventStreamHandler(shapes: eventShapes), Dashboard(service: service, credentials: credentials, host: endpoint.host)]
            var settings = APIServerSettings(host: endpoint.host, port: endpoint.port, credentials: credentials)
            settings.rateLimit = api.apiRateLimit
            settings.idleTimeout = try APIOptions.idleTimeout(ProcessInfo.processInfo.environment)
            var serverLogger = options.logger
            serverLogger.logLevel = max(serverLogger.logLevel, .warning)
            let host = endpoint.host.contains(":") ? "[\(endpoint.host)]" : endpoint.host
            let stepFunctions = StepFunctionsService(store: store, arns: arns, wake: { inbox.nudge() })
            let application = APIServer(service: service, settings: settings, web: web, stepFunctions: stepFunctions).application(logger: serverLogger) { port in
                try? Printer.note("drover: AWS Batch API at http://\(host):\(port) (region \(arns.region), account \(arns.account); keys from \(credentials.source))")
                try? Printer.note("drover: Step Functions API at http://\(host):\(port) (AWS_ENDPOINT_URL_SFN)")
                try? Printer.note("drover: dashboard at http://\(host):\(port)/")
            }
            services.append(.init(service: application, successTerminationBehavior: .gracefullyShutdownGroup,
                                  failureTerminationBehavior: .gracefullyShutdownGroup))
        }
        var groupLogger = options.logger
        groupLogger.logLevel = max(groupLogger.logLevel, .warning)
        let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint, .sighup], logger: groupLogger))
        try AsyncBridge.run { try await group.run() }
        withExtendedLifetime(lock) {}
    }
}

/// The `--api` options of `drover serve`.
struct APIOptions: ParsableArguments {
    @Option(name: .customLong("api"), help: ArgumentHelp(
        "Serve AWS Batch's API at HOST:PORT (127.0.0.1:8765; a bare port listens on loopback; PORT 0 picks a free one).",
        valueName: "address"))
    var address: String?

    @Option(help: "Answer TooManyRequestsException (HTTP 429) above this many requests per second, as AWS throttles SubmitJob (about 50).")
    var apiRateLimit: Double?

    @Option(help: "Region written in ARNs (default: $DROVER_REGION, else us-east-1; other drover commands read $DROVER_REGION).")
    var region: String?

    @Option(help: "12-digit account id written in ARNs (default: $DROVER_ACCOUNT_ID, else 000000000000; other drover commands read $DROVER_ACCOUNT_ID).")
    var accountId: String?

    /// The environment variable that sets how long an idle connection is kept (``APIServerSettings/idleTimeout``).
    static let idleTimeoutVariable = "DROVER_API_IDLE_TIMEOUT_SECONDS"

    /// Seconds an idle connection is kept: `DROVER_API_IDLE_TIMEOUT_SECONDS` (above 0, at most a day), default 60.
    static func idleTimeout(_ environment: [String: String]) throws(DroverError) -> Double {
        guard let text = environment[idleTimeoutVariable], !text.isEmpty else { return 60 }
        guard let value = Double(text), value > 0, value <= 86_400 else {
            throw DroverError("\(idleTimeoutVariable) must be a number of seconds above 0 and at most 86400 (got '\(text)')")
        }
        return value
    }

    /// Host and port to listen on, nil without `--api`.
    func endpoint() throws(DroverError) -> (host: String, port: Int)? {
        guard let address else {
            if apiRateLimit != nil { throw DroverError("--api-rate-limit needs --api") }
            return nil
        }
        if let limit = apiRateLimit, !(limit > 0 && limit.isFinite) {
            throw DroverError("--api-rate-limit must be a number of requests per second above 0 (got \(limit))")
        }
        return try Self.parse(address)
    }

    /// `HOST:PORT`, `[IPV6]:PORT` or `PORT` (loopback).
    static func parse(_ text: String) throws(DroverError) -> (host: String, port: Int) {
        var host = "127.0.0.1"
        var portText = text
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            host = String(text[text.index(after: text.startIndex)..<close])
            portText = String(text[close...].dropFirst().drop { $0 == ":" })
        } else if let colon = text.lastIndex(of: ":") {
            host = String(text[..<colon])
            portText = String(text[text.index(after: colon)...])
        }
        guard !host.isEmpty, let port = Int(portText), (0...65535).contains(port) else {
            throw DroverError("--api: '\(text)' is not HOST:PORT (for example 127.0.0.1:8765, [::1]:8765, or 8765 for loopback)")
        }
        return (host, port)
    }

    /// How ARNs are written: the options, else the environment as every drover command reads it.
    func arns() throws(DroverError) -> ARNBuilder {
        var builder = ARNBuilder(environment: ProcessInfo.processInfo.environment)
        builder.region = region ?? builder.region
        builder.account = accountId ?? builder.account
        if let problem = builder.problem {
            throw DroverError("--region/--account-id (or \(ARNBuilder.regionVariable)/\(ARNBuilder.accountVariable)): \(problem)")
        }
        return builder
    }
}

/// The event options of `drover serve`.
struct EventOptions: ParsableArguments {
    @Option(name: .customLong("events-webhook"), help: ArgumentHelp(
        "POST every job event (EventBridge's JSON, one per request) to this http:// URL, in order, retrying with back-off until taken (repeatable).",
        valueName: "url"))
    var webhooks: [String] = []

    @Option(name: .customLong("otlp-endpoint"), help: ArgumentHelp(
        "Export a span per job and per attempt to this OpenTelemetry collector (OTLP/HTTP, JSON; http://HOST:4318 posts to /v1/traces).",
        valueName: "url"))
    var otlpEndpoint: String?

    @Option(help: "Hours job events are kept in the state directory for consumers to catch up (drover events --after, webhooks).")
    var eventsRetentionHours: Double = 168

    /// The webhook URLs, checked.
    func webhookURLs() throws(DroverError) -> [String] {
        for url in webhooks where !PlainHTTPClient.accepts(url) {
            throw DroverError("--events-webhook: '\(url)' is not http://HOST[:PORT][/PATH] (for https, put a proxy in front)")
        }
        return webhooks
    }

    /// The OTLP collector's URL, checked.
    func collector() throws(DroverError) -> String? {
        if let otlpEndpoint, !PlainHTTPClient.accepts(otlpEndpoint) {
            throw DroverError("--otlp-endpoint: '\(otlpEndpoint)' is not http://HOST[:PORT][/PATH] (for https, put a proxy in front)")
        }
        return otlpEndpoint
    }

    /// The retention in seconds, checked.
    func retentionSeconds() throws(DroverError) -> Double {
        guard eventsRetentionHours > 0, eventsRetentionHours <= 24 * 3650 else {
            throw DroverError("--events-retention-hours must be above 0 and at most 87600 (got \(PlacementDecision.format(eventsRetentionHours)))")
        }
        return eventsRetentionHours * 3600
    }
}

/// Runs async work from a synchronous command, blocking the calling thread until it ends.
enum AsyncBridge {
    static func run(_ body: @escaping @Sendable () async throws -> Void) throws {
        let done = DispatchSemaphore(value: 0)
        let failure = Mutex<(any Error)?>(nil)
        Task.detached {
            do {
                try await body()
            } catch {
                failure.withLock { $0 = error }
            }
            done.signal()
        }
        done.wait()
        if let error = failure.withLock({ $0 }) { throw error }
    }
}
