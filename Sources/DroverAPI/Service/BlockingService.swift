import Foundation
import ServiceLifecycle

/// A swift-service-lifecycle `Service` around work that blocks its thread until told to stop, such as the engine's
/// loop: `body` runs on a thread of its own; graceful shutdown of the group, or cancellation, calls `stop`, and the
/// service ends when `body` returns.
public struct BlockingService: Service {
    let name: String
    let body: @Sendable () throws -> Void
    let stop: @Sendable () -> Void

    /// Creates a service that runs `body` and asks it to end with `stop`.
    public init(name: String, body: @escaping @Sendable () throws -> Void, stop: @escaping @Sendable () -> Void) {
        self.name = name
        self.body = body
        self.stop = stop
    }

    public func run() async throws {
        let body = self.body
        let name = self.name
        try await withTaskCancellationHandler {
            try await withGracefulShutdownHandler {
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                    let thread = Thread {
                        do {
                            try body()
                            continuation.resume()
                        } catch {
                            continuation.resume(throwing: error)
                        }
                    }
                    thread.name = name
                    thread.stackSize = 8 << 20
                    thread.start()
                }
            } onGracefulShutdown: {
                stop()
            }
        } onCancel: {
            stop()
        }
    }
}

extension BlockingService: CustomStringConvertible {
    public var description: String { name }
}
