import DroverCore
import Foundation

/// An error answered to an API client as AWS Batch answers it: an HTTP status, the error's name in
/// `x-amzn-ErrorType` and `__type`, and a message.
public struct APIError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The error's name: `ClientException`, `ServerException`, `TooManyRequestsException`, or one of SigV4's.
    public var code: String
    /// The HTTP status.
    public var status: Int
    /// What went wrong, naming the field or resource and what to do.
    public var message: String

    /// Creates an error.
    public init(code: String, status: Int, message: String) {
        self.code = code
        self.status = status
        self.message = message
    }

    public var description: String { "\(code): \(message)" }

    /// A request AWS would refuse (HTTP 400): bad input, an unknown resource, a state that does not allow it.
    public static func client(_ message: String) -> APIError {
        APIError(code: "ClientException", status: 400, message: message)
    }

    /// A failure on the server's side (HTTP 500): the store could not be read or written.
    public static func server(_ message: String) -> APIError {
        APIError(code: "ServerException", status: 500, message: message)
    }

    /// More requests per second than `--api-rate-limit` allows (HTTP 429, which every SDK retries with back-off).
    public static func throttled(limit: Double) -> APIError {
        APIError(code: "TooManyRequestsException", status: 429,
                 message: "Too Many Requests: this server allows \(DroverAPIFormat.number(limit)) requests per second (--api-rate-limit)")
    }

    /// A ``DroverError`` from the store: bad input (exit code 2) is the client's, anything else the server's.
    public init(_ error: DroverError) {
        self = error.exitCode == 2 ? .client(error.message) : .server(error.message)
    }

    /// The body AWS sends with an error.
    public var body: Data {
        let object = ["__type": code, "message": message]
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
    }
}

/// Small formatting rules shared by the API's messages.
enum DroverAPIFormat {
    /// `50` rather than `50.0`.
    static func number(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
