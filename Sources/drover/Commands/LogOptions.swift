import ArgumentParser
import Logging

/// How much the engine logs: swift-log's levels, lowest first.
enum LogLevel: String, ExpressibleByArgument, CaseIterable {
    case trace, debug, info, notice, warning, error, critical

    /// The swift-log level.
    var level: Logger.Level { Logger.Level(rawValue: rawValue) ?? .info }
}

/// How log lines look: text for people, one JSON object a line for containers and log shippers.
enum LogFormat: String, ExpressibleByArgument, CaseIterable {
    case text
    case json
}

/// The engine log options of `drover serve` and `drover run`.
struct LogOptions: ParsableArguments {
    @Option(help: "Engine log level (serve: info; run: no log unless given).")
    var logLevel: LogLevel?

    @Option(help: "Engine log format on standard error: text for people, json for containers (one object a line).")
    var logFormat: LogFormat = .text

    /// The engine's logger: at `--log-level`, else at `defaultLevel`; one that discards everything
    /// when both are nil.
    func logger(defaultLevel: Logger.Level?) -> Logger {
        guard let level = logLevel?.level ?? defaultLevel else {
            return Logger(label: "drover", factory: { _ in SwiftLogNoOpLogHandler() })
        }
        let format = logFormat
        var logger = Logger(label: "drover", factory: { label in StandardErrorLogHandler(label: label, format: format) })
        logger.logLevel = level
        return logger
    }
}
