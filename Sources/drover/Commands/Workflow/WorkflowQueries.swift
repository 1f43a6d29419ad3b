import ArgumentParser
import DroverCore
import DroverEngine
import DroverStore
import Foundation

/// `drover workflow list`: executions, most recent first.
struct WorkflowList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List executions, most recent first.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "Only the executions of this state machine.")
    var machine: String?

    @Option(help: "Only executions in this status: RUNNING, SUCCEEDED, FAILED, TIMED_OUT or ABORTED.")
    var status: String?

    @Option(help: "At most this many (default 100).")
    var limit = 100

    func run() throws {
        var wanted: ExecutionStatus?
        if let status {
            guard let known = ExecutionStatus(rawValue: status.uppercased()) else {
                throw DroverError("--status: '\(status)' is not one of \(ExecutionStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            wanted = known
        }
        guard limit > 0 else { throw DroverError("--limit must be at least 1 (got \(limit))") }
        let executions = try global.store().executions(machine: machine, status: wanted, limit: limit)
        if global.output == .json {
            try Printer.json(executions.map(WorkflowPrinter.summary))
            return
        }
        try Printer.table(["NAME", "STATE MACHINE", "STATUS", "STARTED", "STOPPED"], executions.map {
            [$0.name, $0.machine, $0.status.rawValue, Printer.time($0.startedAt), Printer.time($0.stoppedAt)]
        })
    }
}

/// `drover workflow describe EXEC`: an execution and its history.
struct WorkflowDescribe: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe", abstract: "Show an execution and its history of events, as Step Functions lists them.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The execution: its name, MACHINE:NAME, or its ARN.")
    var execution: String

    func run() throws {
        let store = try global.store()
        let record = try WorkflowPrinter.find(execution, in: store)
        var events: [HistoryRecord] = []
        while true {
            let page = try store.history(of: record.number, after: events.last?.id ?? 0, limit: 1000)
            events += page
            if page.count < 1000 { break }
        }
        if global.output == .json {
            try Printer.json(WorkflowPrinter.describe(record, events: events))
            return
        }
        try WorkflowPrinter.fields(record)
        try Printer.out("")
        try Printer.table(["ID", "TIME", "TYPE", "DETAIL"], events.map {
            [String($0.id), Printer.time($0.time), $0.type, WorkflowPrinter.detail($0)]
        })
    }
}

/// `drover workflow stop EXEC`: abort a running execution.
struct WorkflowStop: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop", abstract: "Stop a running execution: it is ABORTED and the jobs of its running tasks are terminated.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The execution: its name, MACHINE:NAME, or its ARN.")
    var execution: String

    @Option(help: "The error to record.")
    var error: String?

    @Option(help: "The cause to record.")
    var cause: String?

    func run() throws {
        let store = try global.store()
        let record = try WorkflowPrinter.find(execution, in: store)
        let wasRunning = record.status == .running
        let stopped = try store.stopExecution(record.number, error: error, cause: cause)
        if global.output == .json {
            try Printer.json(["stopDate": Printer.isoTime(stopped.stoppedAt ?? nowMillis())])
        } else if wasRunning {
            try Printer.note("stopped \(stopped.name): ABORTED; the jobs of its running tasks are being terminated")
        } else {
            try Printer.note("\(stopped.name) had already ended (\(stopped.status.rawValue)): nothing to stop")
        }
    }
}

/// `drover workflow validate FILE`: check a definition without running it.
struct WorkflowValidate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a state machine definition, and its tasks' queues and job definitions, without running it.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "State machine definition (Amazon States Language, JSON or YAML).")
    var file: String

    func run() throws {
        let definition = try WorkflowDefinition.load(path: file)
        for warning in definition.warnings { try Printer.note("warning: \(warning)") }
        let issues = try WorkflowLaunch.resourceIssues(definition, store: try global.store())
        if !issues.isEmpty { throw DroverError.invalid(issues, nothingChanged: false) }
        try Printer.note("\(file): valid (\(definition.machine.order.count) top-level states, \(definition.batchTasks().count) batch tasks)")
    }
}
