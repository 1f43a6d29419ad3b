import ArgumentParser
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
}
