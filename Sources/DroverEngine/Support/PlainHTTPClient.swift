import DroverCore
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// Sends HTTP/1.1 requests to one server and waits for each answer (the calling thread blocks): slurmrestd,
/// an events webhook, an OTLP collector.
///
/// Over SwiftNIO, which the binary already carries for its own API, so that the image gains no libcurl: one connection
/// per request (`Connection: close`), plain `http://` only (TLS, where wanted, is a proxy's).
public final class PlainHTTPClient: Sendable {
    /// What a request came to.
    public enum Outcome: Sendable {
        /// The server answered with an HTTP status and a body.
        case answered(status: Int, body: Data)
        /// It could not be reached, or did not answer in time.
        case unreachable(String)
    }

    /// The server's address (`http://HOST:PORT`, no trailing `/`).
    public let server: String
    private let host: String
    private let port: Int
    private let headers: [(String, String)]

    /// A client of the server at `server` (`http://HOST[:PORT]`, a path after it is ignored: requests name theirs),
    /// sending `headers` with every request.
    public init(server: String, headers: [(String, String)] = []) {
        self.server = server.hasSuffix("/") ? String(server.dropLast()) : server
        let parts = URLComponents(string: self.server)
        host = parts?.scheme == "http" ? parts?.host ?? "" : ""
        port = parts?.port ?? 80
        self.headers = headers
    }

    /// Whether `url` is one this client can send to: `http://HOST[:PORT][/PATH]`.
    public static func accepts(_ url: String) -> Bool {
        guard let parts = URLComponents(string: url), parts.scheme == "http", let host = parts.host, !host.isEmpty else { return false }
        return parts.query == nil && parts.fragment == nil && parts.user == nil
    }

    /// Sends `method path` (the path with its query) with a `body` of `contentType`, waiting at most `timeout` seconds.
    public func send(_ method: String, _ path: String, body: Data? = nil, contentType: String = "application/json",
                     timeout: Double = 30) -> Outcome {
        guard !host.isEmpty else { return .unreachable("not an http URL: \(server)") }
        let group = MultiThreadedEventLoopGroup.singleton
        let answer = group.next().makePromise(of: Answer.self)
        let deadline = TimeAmount.milliseconds(Int64(timeout * 1000))
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(min(deadline, .seconds(10)))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(AnswerCollector(answer: answer))
                }
            }
        let channel: any Channel
        do {
            channel = try bootstrap.connect(host: host, port: port).wait()
        } catch {
            answer.fail(error)
            return .unreachable("cannot connect to \(server): \(error)")
        }
        defer { channel.close(promise: nil) }
        let timer = channel.eventLoop.scheduleTask(in: deadline) { answer.fail(HTTPTimeout()) }
        var head = HTTPRequestHead(version: .http1_1, method: HTTPMethod(rawValue: method), uri: path)
        head.headers.add(name: "Host", value: port == 80 ? host : "\(host):\(port)")
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        head.headers.add(name: "Accept", value: "application/json")
        head.headers.add(name: "Connection", value: "close")
        head.headers.add(name: "Content-Length", value: "\(body?.count ?? 0)")
        if body != nil { head.headers.add(name: "Content-Type", value: contentType) }
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        if let body { channel.write(HTTPClientRequestPart.body(.byteBuffer(ByteBuffer(bytes: body))), promise: nil) }
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        do {
            let result = try answer.futureResult.wait()
            timer.cancel()
            return .answered(status: result.status, body: result.body)
        } catch is HTTPTimeout {
            return .unreachable("timed out")
        } catch {
            return .unreachable("\(error)")
        }
    }

    /// A whole answer.
    struct Answer: Sendable {
        var status: Int
        var body: Data
    }
}

/// The request took longer than its time limit.
struct HTTPTimeout: Error, CustomStringConvertible {
    var description: String { "timed out" }
}

/// The connection closed before the whole answer came.
struct HTTPClosed: Error, CustomStringConvertible {
    var description: String { "the connection closed before the whole answer came" }
}

/// Gathers one HTTP answer on a connection and fulfils `answer` with it (or fails it when the connection ends first).
private final class AnswerCollector: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    private let answer: EventLoopPromise<PlainHTTPClient.Answer>
    private var status = 0
    private var body = ByteBuffer()

    init(answer: EventLoopPromise<PlainHTTPClient.Answer>) {
        self.answer = answer
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            status = Int(head.status.code)
        case .body(var part):
            body.writeBuffer(&part)
        case .end:
            answer.succeed(PlainHTTPClient.Answer(status: status, body: Data(body.readableBytesView)))
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        answer.fail(error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        answer.fail(HTTPClosed())
        context.fireChannelInactive()
    }
}
