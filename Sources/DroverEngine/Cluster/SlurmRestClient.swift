import DroverCore
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization

/// Sends requests to one slurmrestd and waits for each answer (the executor's thread blocks, as it does on a Slurm
/// command), with the JWT headers slurmrestd's `rest_auth/jwt` takes.
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
    private let user: String
    private let token: String
    private let session: URLSession

    /// A client of the slurmrestd at `server`, as user `user` with token `token`.
    init(server: String, user: String, token: String) {
        self.server = server.hasSuffix("/") ? String(server.dropLast()) : server
        self.user = user
        self.token = token
        let configuration = URLSessionConfiguration.ephemeral
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.urlCache = nil
        session = URLSession(configuration: configuration)
    }

    deinit {
        session.invalidateAndCancel()
    }

    /// Sends `method path` (the path with its query) with a JSON `body`, waiting at most `timeout` seconds.
    func send(_ method: String, _ path: String, body: Data? = nil, timeout: Double = 30) -> Outcome {
        guard let url = URL(string: server + path) else { return .unreachable("not a URL: \(server + path)") }
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        request.httpMethod = method
        request.setValue(user, forHTTPHeaderField: "X-SLURM-USER-NAME")
        request.setValue(token, forHTTPHeaderField: "X-SLURM-USER-TOKEN")
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        if let body {
            request.httpBody = body
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let result = Mutex<(status: Int, body: Data)?>(nil)
        let failure = Mutex<String?>(nil)
        let done = DispatchSemaphore(value: 0)
        let task = session.dataTask(with: request) { data, response, error in
            if let error {
                failure.withLock { $0 = error.localizedDescription }
            } else if let response = response as? HTTPURLResponse {
                result.withLock { $0 = (response.statusCode, data ?? Data()) }
            } else {
                failure.withLock { $0 = "no HTTP answer" }
            }
            done.signal()
        }
        task.resume()
        if done.wait(timeout: .now() + .milliseconds(Int((timeout + 5) * 1000))) == .timedOut {
            task.cancel()
            return .unreachable("timed out")
        }
        if let answer = result.withLock({ $0 }) { return .answered(status: answer.status, body: answer.body) }
        return .unreachable(failure.withLock { $0 } ?? "no answer")
    }
}
