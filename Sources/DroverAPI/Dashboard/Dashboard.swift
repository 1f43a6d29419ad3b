import DroverCore
import DroverStore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOPosix

/// The live web dashboard of `drover serve --api`: server-rendered pages over the store (queue board, job list, array
/// and job pages with the log tail) and buttons that cancel, terminate and retry through the store's own functions.
/// Its pages are not signed as the API's requests are: anyone who can reach the address can read them. Buttons take
/// POST only, with the page's ``DashboardToken`` and a same-origin request (``RequestGuard``); every response forbids
/// framing and scripts from elsewhere.
public struct Dashboard: WebHandler {
    let service: BatchService
    let token: DashboardToken
    /// Whether the server listens on loopback only, where requests must name loopback (``RequestGuard``).
    let loopbackOnly: Bool

    /// Largest form body read from a button.
    static let maxFormBytes = 16 << 10
    /// Largest piece of log one request returns.
    static let logChunkBytes = 64 << 10

    /// A dashboard over `service`'s store, whose forms carry a token made from `credentials`' secret key; `host` is the
    /// address the server listens on.
    public init(service: BatchService, credentials: APICredentials, host: String) {
        self.service = service
        self.token = DashboardToken(secret: credentials.secretAccessKey)
        self.loopbackOnly = RequestGuard.isLoopback(host: host.contains(":") ? "[\(host)]" : host)
    }

    /// The page, asset or button at the request's path; nil for paths that are not the dashboard's (the API's).
    public func respond(to request: Request) async -> Response? {
        guard let route = DashboardRoute(path: request.uri.path) else { return nil }
        let method = request.method.rawValue
        let host = request.head.authority
        if let refusal = RequestGuard.refusal(method: method, host: host, origin: request.headers[.origin],
                                              fetchSite: request.headers[HTTPField.Name("Sec-Fetch-Site")!], loopbackOnly: loopbackOnly) {
            return Reply.error(.forbidden(refusal)).response
        }
        guard method == route.method || (method == "HEAD" && route.method == "GET") else {
            var reply = Reply.error(DashboardError(status: 405, "\(method) \(request.uri.path): this page takes \(route.method)"))
            reply.headers.append(("Allow", route.method))
            return reply.response
        }
        var form: [String: String] = [:]
        if method == "POST" {
            var request = request
            guard let body = try? await request.collectBody(upTo: Self.maxFormBytes) else {
                return Reply.error(.badRequest("the form is over \(Self.maxFormBytes / 1024) KiB")).response
            }
            form = QueryString.parse(String(decoding: body.readableBytesView, as: UTF8.self))
        }
        let query = QueryString.parse(request.uri.query ?? "")
        let dashboard = self
        let fields = form
        // The store is read and written synchronously: off the tasks that move bytes, as the API does.
        do {
            return try await NIOThreadPool.singleton.runIfActive { dashboard.reply(route, query: query, form: fields) }.response
        } catch {
            return Reply.error(DashboardError(status: 503, "the server is stopping")).response
        }
    }

    /// The answer to one request.
    func reply(_ route: DashboardRoute, query: [String: String], form: [String: String]) -> Reply {
        let fragment = query["fragment"] == "1"
        let store = service.store
        do {
            // The newest event is read before the page: whatever changes after the page was read comes as a later event.
            var newest: Int64?
            if !fragment, route.isPage { newest = try store.eventRange()?.newest ?? 0 }
            switch route {
            case .board:
                let page = try BoardPage.load(store)
                return .page(title: "Queues", section: .board, live: page.live, updates: PageLayout.Live().starting(after: newest), fragment: fragment)
            case .jobs:
                let queues = try store.jobQueues().map(\.jobQueueName)
                let filter = try JobListFilter.parse(query, queues: queues, now: nowMillis())
                let page = try JobListPage.load(store, filter: filter, queues: queues)
                return .page(title: "Jobs", section: .jobs, live: page.live, updates: page.updates.starting(after: newest), fragment: fragment)
            case .job(let id):
                return try jobPage(id, query: query, fragment: fragment, newest: newest)
            case .log(let id):
                return try log(id, query: query)
            case .action(let id, let action):
                return try act(action, on: id, form: form)
            case .asset(let path):
                guard let asset = DashboardAssets.asset(at: path) else { throw DashboardError.notFound("no file \(path)") }
                return Reply(status: 200, type: asset.type, body: asset.body, cacheable: true)
            case .favicon:
                return Reply(status: 204, type: "text/plain", body: "")
            }
        } catch let error as DashboardError {
            return .error(error)
        } catch {
            return .error(DashboardError(status: 500, "\(error)"))
        }
    }

    /// A job's page, or an array's.
    func jobPage(_ id: String, query: [String: String], fragment: Bool, newest: Int64?) throws -> Reply {
        let store = service.store
        guard let record = try store.job(id) else { throw DashboardError.notFound(DroverError.unknownJob(id).message) }
        let notice = JobAction.notice(query)
        if record.arraySize != nil {
            let page = try ArrayPage.load(store, record: record, token: token.value, notice: notice)
            return .page(title: record.jobName, section: nil, live: page.live,
                         updates: PageLayout.Live(filter: [("job", id)], job: id).starting(after: newest), fragment: fragment)
        }
        guard let view = try store.jobViews([id]).first else { throw DashboardError.notFound(DroverError.unknownJob(id).message) }
        var attempt: Int?
        if let text = query["attempt"], !text.isEmpty {
            guard let number = Int(text), number >= 1 else { throw DashboardError.badRequest("attempt: '\(text)' is not an attempt number (1, 2, ...)") }
            attempt = number
        }
        let page = try JobPage.load(store, view: view, attempt: attempt, token: token.value, notice: notice)
        return .page(title: record.jobName, section: nil, live: page.live, updates: PageLayout.Live(filter: [("job", id)], job: id).starting(after: newest),
                     below: page.below, fragment: fragment)
    }

    /// Part of an attempt's log from `offset`: at most ``logChunkBytes``, the latest when more was written.
    func log(_ id: String, query: [String: String]) throws -> Reply {
        let store = service.store
        guard let record = try store.job(id) else { throw DashboardError.notFound(DroverError.unknownJob(id).message) }
        guard record.arraySize == nil else { throw DashboardError.badRequest("\(id) is an array job: its children have the logs (\(id):0, ...)") }
        guard let number = query["attempt"].flatMap({ Int($0) }), number >= 1, number <= record.attempts else {
            throw DashboardError.badRequest("attempt: give a number from 1 to \(record.attempts) (the attempts of \(id))")
        }
        var offset: Int64?
        if let text = query["offset"] {
            guard let value = Int64(text), value >= 0 else { throw DashboardError.badRequest("offset: '\(text)' is not a byte offset") }
            offset = value
        }
        let chunk = try store.logTail(ofJob: id, attempt: number, from: offset, limit: Self.logChunkBytes)
        var reply = Reply(status: 200, type: "text/plain; charset=utf-8", body: String(decoding: chunk.bytes, as: UTF8.self))
        reply.headers += [("X-Log-Start", String(chunk.start)), ("X-Log-End", String(chunk.end)),
                          ("X-Log-Done", JobPage.isWriting(record, attempt: number) ? "0" : "1")]
        return reply
    }

    /// A button: checks the form's token, acts through the store, nudges the engine, and sends the browser back to
    /// the job's page with what was done.
    func act(_ action: JobAction, on id: String, form: [String: String]) throws -> Reply {
        guard token.accepts(form["csrf"]) else {
            throw DashboardError.forbidden("the form's token is missing or wrong: reload the job's page and use its button")
        }
        let store = service.store
        guard try store.job(id) != nil else { throw DashboardError.notFound(DroverError.unknownJob(id).message) }
        let outcome: [(String, String)]
        do {
            outcome = try action.perform(on: id, store: store)
        } catch {
            throw DashboardError(status: 409, "\(action.title) \(id): \(error.message)")
        }
        service.wake()
        var reply = Reply(status: 303, type: "text/plain; charset=utf-8", body: "")
        reply.headers.append(("Location", PageLayout.jobPath(id) + "?" + QueryString.encode(outcome)))
        return reply
    }
}
