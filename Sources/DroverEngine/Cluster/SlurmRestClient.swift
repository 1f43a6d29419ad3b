import DroverCore
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// Sends requests to one slurmrestd and waits for each answer (the executor's thread blocks, as it does on a Slurm
/// command), with the JWT headers slurmrestd's `rest_auth/jwt` takes.
///
/// HTTP/1.1 over SwiftNIO, which the binary already carries for its own API: one connection per request
/// (`Connection: close`). slurmrestd speaks plain HTTP (TLS, where wanted, is a proxy's), so `http://` only.
final class SlurmRestClient: Sendable {
    /// What a request came to.
    enum Outcome {
        /// slurmrestd answered with an HTTP status and a body.
        case answered(status: Int, body: Data)
        /// It could not be reached, or did not answer in time.
        case unreachable(String)
    }

    /// The server's address (`http://HOST:PORT`, no trailing `/`).
    let server: String
    private let host: String
    private let port: Int
    private let user: String
    private let token: String

    /// A client of the slurmrestd at `server` (`http://HOST[:PORT]`), as user `user` with token `token`.
    init(server: String, user: String, token: String) {
        self.server = server.hasSuffix("/") ? String(server.dropLast()) : server
        let parts = URLComponents(string: self.server)
        host = parts?.host ?? ""
        port = parts?.port ?? 80
        self.user = user
        self.token = token
    }

    /// Sends `method path` (the path with its query) with a JSON `body`, waiting at most `timeout` seconds.
    func send(_ method: String, _ path: String, body: Data? = nil, timeout: Double = 30) -> Outcome {
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
        let timer = channel.eventLoop.scheduleTask(in: deadline) { answer.fail(SlurmRestTimeout()) }
        var head = HTTPRequestHead(version: .http1_1, method: HTTPMethod(rawValue: method), uri: path)
        head.headers.add(name: "Host", value: port == 80 ? host : "\(host):\(port)")
        head.headers.add(name: "X-SLURM-USER-NAME", value: user)
        head.headers.add(name: "X-SLURM-USER-TOKEN", value: token)
        head.headers.add(name: "Accept", value: "application/json")
        head.headers.add(name: "Connection", value: "close")
        head.headers.add(name: "Content-Length", value: "\(body?.count ?? 0)")
        if body != nil { head.headers.add(name: "Content-Type", value: "application/json") }
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        if let body { channel.write(HTTPClientRequestPart.body(.byteBuffer(ByteBuffer(bytes: body))), promise: nil) }
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        do {
            let result = try answer.futureResult.wait()
            timer.cancel()
            return .answered(status: result.status, body: result.body)
        } catch is SlurmRestTimeout {
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
struct SlurmRestTimeout: Error, CustomStringConvertible {
    var description: String { "timed out" }
}

/// The connection closed before the whole answer came.
struct SlurmRestClosed: Error, CustomStringConvertible {
    var description: String { "the connection closed before the whole answer came" }
}

/// Gathers one HTTP answer on a connection and fulfils `answer` with it (or fails it when the connection ends first).
private final class AnswerCollector: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    private let answer: EventLoopPromise<SlurmRestClient.Answer>
    private var status = 0
    private var body = ByteBuffer()

    init(answer: EventLoopPromise<SlurmRestClient.Answer>) {
        self.answer = answer
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            status = Int(head.status.code)
        case .body(var part):
            body.writeBuffer(&part)
        case .end:
            answer.succeed(SlurmRestClient.Answer(status: status, body: Data(body.readableBytesView)))
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        answer.fail(error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        answer.fail(SlurmRestClosed())
        context.fireChannelInactive()
    }
}
