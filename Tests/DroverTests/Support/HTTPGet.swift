import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization

/// A blocking HTTP GET for tests that talk to a real server (`/metrics`, Prometheus's query API).
enum HTTPGet {
    struct Answer {
        var status: Int
        var body: String
    }

    /// GETs `url` (or sends another `method`); nil when the server cannot be reached within `timeout` seconds.
    static func get(_ url: String, method: String = "GET", timeout: Double = 10) -> Answer? {
        guard let address = URL(string: url) else { return nil }
        var request = URLRequest(url: address)
        request.httpMethod = method
        request.timeoutInterval = timeout
        let done = DispatchSemaphore(value: 0)
        let answer = Mutex<Answer?>(nil)
        URLSession.shared.dataTask(with: request) { data, response, _ in
            if let response = response as? HTTPURLResponse {
                answer.withLock { $0 = Answer(status: response.statusCode, body: String(decoding: data ?? Data(), as: UTF8.self)) }
            }
            done.signal()
        }.resume()
        done.wait()
        return answer.withLock { $0 }
    }

    /// A TCP port free on loopback now (bound, then let go), for a server the test starts.
    static func freePort() -> Int {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) }
        }
        _ = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
