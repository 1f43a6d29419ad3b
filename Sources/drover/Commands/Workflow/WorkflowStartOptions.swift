import ArgumentParser
import DroverAPI
import DroverCore
import DroverEngine
import DroverStore
import Foundation

/// What `drover workflow run` and `start` take: the definition file, the input and the names.
struct WorkflowStartOptions: ParsableArguments {
    @Argument(help: "State machine definition (Amazon States Language, JSON or YAML).")
    var file: String

    @Option(help: "The execution's input: JSON, @FILE or file://FILE (default {}).")
    var input: String?

    @Option(help: "The execution's name, unique per state machine (default: a new UUID). Starting a RUNNING execution's name again with the same input follows it.")
    var name: String?

    @Option(help: "The state machine's name (default: the file's name without its extension).")
    var machine: String?

    /// The input's JSON.
    func inputValue() throws(DroverError) -> JSONValue {
        guard var text = input else { return .object([:]) }
        if text.hasPrefix("@") { text = ParamFile.prefix + text.dropFirst() }
        let source = text.hasPrefix(ParamFile.prefix) ? String(text.dropFirst(ParamFile.prefix.count)) : "--input"
        text = try ParamFile.contents(text)
        do {
            return try JSONValue(parsing: text)
        } catch {
            throw DroverError("\(source): the input is \(error.message); give a JSON value such as '{\"files\": [\"a.jpg\"]}'")
        }
    }

    /// The machine's name: given, or the file's name without extension (characters Step Functions refuses become `-`).
    var machineName: String {
        if let machine { return machine }
        let base = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        let cleaned = String(base.map { WorkflowLaunch.nameProblem(String($0)) == nil ? $0 : "-" })
        return String(cleaned.prefix(80))
    }

    /// Reads and checks the definition (its warnings go to standard error), then starts the execution (or, with
    /// `followEnded`, finds the one of the same name and input even when it has ended).
    func start(_ global: GlobalOptions, store: Store, followEnded: Bool = false) throws -> (execution: ExecutionRecord, resumed: Bool) {
        let definition = try WorkflowDefinition.load(path: file)
        for warning in definition.warnings { try Printer.note("warning: \(warning)") }
        let input = try inputValue()
        let arns = try global.arns()
        return try WorkflowLaunch.start(definition, machine: machineName, name: name, input: input, store: store,
                                        region: arns.region, account: arns.account, followEnded: followEnded)
    }
}
