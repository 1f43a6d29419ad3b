import DroverCore
import DroverStore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOPosix
import ServiceLifecycle

/// `GET /v1/events`: the store's events as server-sent events, live: `id:` the event's id (a client that reconnects
/// with `Last-Event-ID` resumes after it), `event:` its `detail-type`, `data:` the event as JSON. `?after=ID` starts
/// after an event; `?job=ID` (an array's children included) and `?queue=NAME` narrow it. Not signed: a browser's
/// EventSource cannot sign, and the dashboard reads it.
public struct EventStreamHandler: WebHandler {
    let shapes: EventShapes
    /// Seconds between looks at the store for new events.
    let interval: Double
    /// Seconds between comments that keep an idle stream (and its connection) alive.
    let heartbeat: Double

    /// A handler reading `shapes`' store.
    public init(shapes: EventShapes, interval: Double = 0.2, heartbeat: Double = 15) {
        self.shapes = shapes
        self.interval = interval
        self.heartbeat = heartbeat
    }

    /// The stream for `GET /v1/events`; nil for other requests.
    public func respond(to request: Request) async -> Response? {
        guard request.uri.path == "/v1/events" else { return nil }
        guard request.method == .get else { return Self.refusal(.methodNotAllowed, "/v1/events takes GET") }
        guard let query = Self.parameters(request.uri.query ?? "") else {
            return Self.refusal(.badRequest, "the query is not percent-encoded UTF-8")
        }
        var after = query["after"]
        if let last = request.headers[HTTPField.Name("Last-Event-ID")!], !last.isEmpty { after = last }
        var start: Int64?
        if let after {
            guard let number = BatchEvent.sequence(of: after) else {
                return Self.refusal(.badRequest, "after: '\(after)' is not an event id (00000000-0000-0000-0000-000000000042) or number")
            }
            start = number
        }
        let store = shapes.jobs.store
        let job = query["job"], queue = query["queue"]
        let known: Result<Void, DroverError> = await Self.offload { () throws(DroverError) in
            if let job, try store.job(job) == nil { throw DroverError.unknownJob(job) }
            if let queue {
                let queues = try store.jobQueues()
                if !queues.contains(where: { $0.jobQueueName == queue }) { throw DroverError("no job queue '\(queue)'") }
            }
        }
        if case .failure(let error) = known { return Self.refusal(.badRequest, error.message) }
        let feed = EventFeed(shapes: shapes, query: EventQuery(after: start, job: job, queue: queue, limit: 500))
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream; charset=utf-8"
        headers[.cacheControl] = "no-cache"
        let interval = self.interval, heartbeat = self.heartbeat
        let body = ResponseBody { writer in
            // A client that stops reading blocks a write until it reads again: on the server's graceful shutdown the
            // stream is cancelled (the write with it), so that such a client cannot keep the server from stopping.
            let stream = StreamWriter(writer)
            try await cancelWhenGracefulShutdown {
                try await Self.stream(feed, to: stream, interval: interval, heartbeat: heartbeat)
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    /// Writes `feed`'s events to `stream` as they come, until the task is cancelled or the server shuts down.
    static func stream(_ start: EventFeed, to stream: StreamWriter, interval: Double, heartbeat: Double) async throws {
        var feed = start
        try await stream.write(ByteBuffer(string: "retry: 2000\n\n"))
        var quiet = 0.0
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let current = feed
            let page = await Self.offload { () throws(DroverError) in
                var next = current
                return (try next.next(), next)
            }
            guard case .success(let (events, advanced)) = page else { break }
            feed = advanced
            if !events.isEmpty {
                var text = ByteBuffer()
                for item in events { text.writeBytes(Self.message(item.event)) }
                try await stream.write(text)
                quiet = 0
                if !feed.isCaughtUp { continue }
            } else if quiet >= heartbeat {
                try await stream.write(ByteBuffer(string: ": keep-alive\n\n"))
                quiet = 0
            }
            try? await Task.sleep(for: .milliseconds(Int(interval * 1000)))
            quiet += interval
        }
    }

    /// The response's writer, handed to the task that streams (which ``cancelWhenGracefulShutdown(_:)`` runs apart): used
    /// by one task at a time, the stream's and then the response's.
    final class StreamWriter: @unchecked Sendable {
        var writer: any ResponseBodyWriter

        init(_ writer: any ResponseBodyWriter) {
            self.writer = writer
        }

        func write(_ buffer: ByteBuffer) async throws {
            try await writer.write(buffer)
        }
    }

    /// One event as a server-sent event: `id:`, `event:`, `data:` (one line of JSON) and a blank line.
    static func message(_ event: BatchEvent) -> Data {
        var text = Data("id: \(event.id)\nevent: \(event.detailType)\ndata: ".utf8)
        text.append(EventShapes.json(event))
        text.append(contentsOf: Array("\n\n".utf8))
        return text
    }

    /// The query's parameters, decoded (the last of repeated ones); nil when a name or value is not percent-encoded
    /// UTF-8 (left out, a `job` or `queue` would widen the stream to every event).
    static func parameters(_ query: String) -> [String: String]? {
        var result: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decoded = parts.map { String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding }
            guard let key = decoded[0], let value = decoded.count > 1 ? decoded[1] : "" else { return nil }
            result[key] = value
        }
        return result
    }

    /// A plain-text refusal.
    static func refusal(_ status: HTTPResponse.Status, _ message: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: message + "\n")))
    }

    /// Runs synchronous store work on NIO's thread pool, off the tasks that move bytes.
    static func offload<T: Sendable>(_ work: @escaping @Sendable () throws(DroverError) -> T) async -> Result<T, DroverError> {
        do {
            return try await NIOThreadPool.singleton.runIfActive { () -> Result<T, DroverError> in
                do throws(DroverError) { return .success(try work()) } catch { return .failure(error) }
            }
        } catch {
            return .failure(DroverError("the server is stopping"))
        }
    }
}
