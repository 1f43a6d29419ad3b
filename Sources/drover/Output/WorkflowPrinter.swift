import DroverCore
import DroverStore
import Foundation

/// How executions and their histories are shown: in Step Functions' shapes for `--output json`, as fields and tables
/// otherwise.
enum WorkflowPrinter {
    /// The execution a name, `MACHINE:NAME` or ARN names.
    static func find(_ reference: String, in store: Store) throws(DroverError) -> ExecutionRecord {
        guard let record = try store.execution(reference) else {
            throw DroverError("no execution '\(reference)' in this state directory (`drover workflow list` lists them)")
        }
        return record
    }

    /// An execution as `ListExecutions` lists it.
    static func summary(_ record: ExecutionRecord) -> JSONValue {
        var value: JSONValue = ["executionArn": .string(record.arn), "stateMachineArn": .string(record.machineArn), "name": .string(record.name),
                                "status": .string(record.status.rawValue), "startDate": .string(Printer.isoTime(record.startedAt))]
        if let stopped = record.stoppedAt { value["stopDate"] = .string(Printer.isoTime(stopped)) }
        return value
    }

    /// An execution as `DescribeExecution` shows it, with its events as `GetExecutionHistory` lists them.
    static func describe(_ record: ExecutionRecord, events: [HistoryRecord]? = nil) -> JSONValue {
        var value = summary(record)
        value["input"] = .string(record.input.document)
        if let output = record.output { value["output"] = .string(output.document) }
        if let error = record.error { value["error"] = .string(error) }
        if let cause = record.cause { value["cause"] = .string(cause) }
        if let events { value["events"] = .array(events.map(event)) }
        return value
    }

    /// A history event in `GetExecutionHistory`'s shape.
    static func event(_ event: HistoryRecord) -> JSONValue {
        var value: JSONValue = ["id": .integer(event.id), "previousEventId": .integer(event.previous), "type": .string(event.type),
                                "timestamp": .string(Printer.isoTime(event.time))]
        if let details = event.details, let member = HistoryEvent.detailsMember(of: event.type) { value[member] = details }
        return value
    }

    static func fields(_ record: ExecutionRecord) throws(DroverError) {
        var lines: [(String, String)] = [
            ("Execution", record.arn), ("State machine", record.machine), ("Status", record.status.rawValue),
            ("Started", Printer.time(record.startedAt)), ("Stopped", Printer.time(record.stoppedAt)),
            ("Input", clip(record.input.document)),
        ]
        if let output = record.output { lines.append(("Output", clip(output.document))) }
        if let error = record.error { lines.append(("Error", error)) }
        if let cause = record.cause { lines.append(("Cause", clip(cause))) }
        try Printer.fields(lines)
    }

    /// The few words that tell what an event was about.
    static func detail(_ event: HistoryRecord) -> String {
        guard let details = event.details else { return "" }
        if let name = details["name"]?.string {
            if let index = details["index"]?.integer { return "\(name) [\(index)]" }
            return name
        }
        if let error = details["error"]?.string {
            // A failed job's cause is its description: its name, reason and exit code tell enough.
            if let job = try? JSONValue(parsing: details["cause"]?.string ?? ""), let name = job["JobName"]?.string {
                let code = job["Container"]?["ExitCode"]?.integer.map { " (exit \($0))" } ?? ""
                return clip("job \(name) \(job["JobId"]?.string ?? ""): \(error): \(job["StatusReason"]?.string ?? "")\(code)", 160)
            }
            return clip("\(error): \(details["cause"]?.string ?? "")", 160)
        }
        if let output = details["output"]?.string, let job = try? JSONValue(parsing: output), let id = job["JobId"]?.string {
            return "job \(job["JobName"]?.string ?? "") \(id)\(job["Status"]?.string.map { " \($0)" } ?? "")"
        }
        if let length = details["length"]?.integer { return "\(length) items" }
        return ""
    }

    static func clip(_ text: String, _ limit: Int = 400) -> String {
        text.count <= limit ? text : String(text.prefix(limit)) + "…"
    }

    /// The end of a followed execution: its output on standard output, its status (and error) on standard error.
    static func result(_ record: ExecutionRecord, format: OutputFormat) throws(DroverError) {
        if format == .json {
            try Printer.json(describe(record))
            return
        }
        let took = Printer.duration(Double((record.stoppedAt ?? nowMillis()) - record.startedAt) / 1000)
        if record.status == .succeeded {
            try Printer.note("\(record.status.rawValue) in \(took)")
            if let output = record.output { try Printer.json(output) }
        } else {
            let reason = record.error.map { ": \($0)" } ?? ""
            try Printer.note("\(record.status.rawValue) after \(took)\(reason)")
            if let cause = record.cause, !cause.isEmpty { try Printer.note("cause: \(clip(cause, 2000))") }
        }
    }
}
