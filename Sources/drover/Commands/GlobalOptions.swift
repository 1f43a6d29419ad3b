import ArgumentParser
import DroverAPI
import DroverCore
import DroverStore
import Foundation

/// Output formats: tables for people, JSON for scripts.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table
    case json
}

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .customLong("state-dir"), help: "State directory (default: $DROVER_STATE_DIR or ./.drover).")
    var stateDir: String?

    @Option(name: [.customShort("o"), .long], help: "Output format: table or json.")
    var output: OutputFormat = .table

    /// The state directory in effect.
    var directory: URL {
        let path = stateDir ?? ProcessInfo.processInfo.environment["DROVER_STATE_DIR"] ?? ".drover"
        return URL(fileURLWithPath: path)
    }

    /// Opens the store.
    func store() throws(DroverError) -> Store {
        try Store(directory: directory)
    }

    /// How ARNs are written: `DROVER_REGION` and `DROVER_ACCOUNT_ID`, as `drover serve --api` writes them.
    func arns() throws(DroverError) -> ARNBuilder {
        let builder = ARNBuilder(environment: ProcessInfo.processInfo.environment)
        if let problem = builder.problem {
            throw DroverError("\(ARNBuilder.regionVariable)/\(ARNBuilder.accountVariable): \(problem)")
        }
        return builder
    }

    /// AWS Batch's operations over the store, for output in AWS's shapes.
    func service(_ store: Store) throws(DroverError) -> BatchService {
        BatchService(store: store, arns: try arns())
    }

    /// Performs one of AWS Batch's operations with `request` exactly as `drover serve --api` performs it, and gives its
    /// response; a refusal is a ``DroverError`` (a ClientException is bad input, exit code 2).
    func call(_ operation: String, _ request: JSONValue) throws(DroverError) -> JSONValue {
        try calling { service throws(APIError) in try service.call(operation, request) }
    }

    /// Every page of a describe operation as one response (see ``BatchService/describeAll(_:listing:_:)``).
    func call(_ operation: String, listing member: String, _ request: JSONValue = .object([:])) throws(DroverError) -> JSONValue {
        try calling { service throws(APIError) in try service.describeAll(operation, listing: member, request) }
    }

    /// `body` over the operations of this state directory, a refusal as a ``DroverError``.
    private func calling(_ body: (BatchService) throws(APIError) -> JSONValue) throws(DroverError) -> JSONValue {
        let service = try service(try store())
        do {
            return try body(service)
        } catch {
            throw DroverError.from(error)
        }
    }
}
