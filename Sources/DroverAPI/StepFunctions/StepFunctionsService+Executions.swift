import DroverCore
import DroverEngine
import DroverStore
import Foundation

extension StepFunctionsService {
    /// Step Functions' bound on an execution's input, in bytes of UTF-8.
    static let maxInputBytes = 262_144

    func startExecution(_ request: StatesShapes.StartExecutionRequest) throws -> StatesShapes.StartExecutionResponse {
        let machine = try existingMachine(request.stateMachineArn)
        let name = request.name ?? UUID().uuidString.lowercased()
        if let problem = WorkflowLaunch.nameProblem(name) {
            throw APIError.states("InvalidName", "Invalid Name: '\(name)' \(problem)")
        }
        let text = request.input ?? "{}"
        guard text.utf8.count <= Self.maxInputBytes else {
            throw APIError.states("InvalidExecutionInput", "Invalid Execution Input: \(text.utf8.count) bytes, above Step Functions' 262144")
        }
        let input: JSONValue
        do {
            input = try JSONValue.parse(document: text)
        } catch {
            throw APIError.states("InvalidExecutionInput", "Invalid Execution Input: the input is not JSON: \(text.prefix(200))")
        }
        let arn = "arn:aws:states:\(arns.region):\(arns.account):execution:\(machine.name):\(name)"
        if let existing = try store.execution(arn), existing.arn == arn,
           existing.status != .running || existing.input != input || existing.definition != machine.definition {
            throw APIError.states("ExecutionAlreadyExists",
                                  "Execution Already Exists: '\(arn)' (\(existing.status.rawValue)) ran with another input or definition; "
                                  + "names are unique per state machine")
        }
        let definition: WorkflowDefinition
        do {
            definition = try WorkflowDefinition.parse(text: machine.definition, path: "definition")
        } catch {
            throw APIError.states("ValidationException", "the state machine's definition no longer reads: \(error.message)")
        }
        let started: ExecutionRecord
        do {
            started = try WorkflowLaunch.start(definition, machine: machine.name, name: name, input: input, store: store,
                                               region: arns.region, account: arns.account, roleArn: machine.roleArn,
                                               keepMachine: false).execution
        } catch {
            guard error.exitCode == 2 else { throw error }
            let code = error.message.contains("already exists") ? "ExecutionAlreadyExists" : "ValidationException"
            throw APIError.states(code, error.message)
        }
        wake()
        return .init(executionArn: started.arn, startDate: StatesShapes.seconds(started.startedAt))
    }

    func describeExecution(_ request: StatesShapes.ExecutionRequest) throws -> StatesShapes.DescribeExecutionResponse {
        let execution = try existingExecution(request.executionArn)
        var response = StatesShapes.DescribeExecutionResponse(
            executionArn: execution.arn, stateMachineArn: execution.machineArn, name: execution.name, status: execution.status.rawValue,
            startDate: StatesShapes.seconds(execution.startedAt), stopDate: execution.stoppedAt.map(StatesShapes.seconds),
            input: execution.input.document, error: Self.bounded(execution.error, 256), cause: Self.bounded(execution.cause, 32_768))
        if execution.status == .succeeded, let output = execution.output {
            response.output = output.document
            response.outputDetails = .init()
        }
        return response
    }

    func stopExecution(_ request: StatesShapes.StopExecutionRequest) throws -> StatesShapes.StopExecutionResponse {
        if (request.error?.count ?? 0) > 256 || (request.cause?.count ?? 0) > 32_768 {
            throw APIError.states("ValidationException", "StopExecution: error is at most 256 characters and cause at most 32768")
        }
        let execution = try existingExecution(request.executionArn)
        _ = try store.stopExecution(execution.number, error: request.error, cause: request.cause)
        wake()
        let stopped = try store.execution(number: execution.number)
        return .init(stopDate: StatesShapes.seconds(stopped?.stoppedAt ?? nowMillis()))
    }

    func listExecutions(_ request: StatesShapes.ListExecutionsRequest) throws -> StatesShapes.ListExecutionsResponse {
        if request.mapRunArn != nil {
            throw APIError.states("ValidationException", "mapRunArn: Drover runs Map states inline, without Map Runs (docs/workflows.md)")
        }
        guard let arn = request.stateMachineArn else {
            throw APIError.states("ValidationException", "ListExecutions: give a stateMachineArn")
        }
        let size = try Self.pageSize(request.maxResults)
        guard let name = try machineName(arn), try store.stateMachine(name) != nil || !store.executions(machine: name, limit: 1).isEmpty else {
            throw APIError.states("StateMachineDoesNotExist", "State Machine Does Not Exist: '\(arn)'")
        }
        var status: ExecutionStatus?
        if let filter = request.statusFilter {
            if filter == "PENDING_REDRIVE" { return .init(executions: []) }
            guard let known = ExecutionStatus(rawValue: filter) else {
                throw APIError.states("ValidationException", "statusFilter: '\(filter)' is not one of RUNNING, SUCCEEDED, FAILED, TIMED_OUT, "
                                      + "ABORTED, PENDING_REDRIVE")
            }
            status = known
        }
        if request.redriveFilter == "REDRIVEN" { return .init(executions: []) }
        let kind = "executions-\(name)"
        let before = try request.nextToken.map { token throws(APIError) in try StatesPageToken.number(token, kind) }
        let found = try store.executions(machine: name, status: status, before: before, limit: size + 1)
        let page = found.prefix(size)
        return .init(executions: page.map {
            .init(executionArn: $0.arn, stateMachineArn: $0.machineArn, name: $0.name, status: $0.status.rawValue,
                  startDate: StatesShapes.seconds($0.startedAt), stopDate: $0.stoppedAt.map(StatesShapes.seconds))
        }, nextToken: found.count > size ? page.last.map { StatesPageToken.make(kind, String($0.number)) } : nil)
    }

    func executionHistory(_ request: StatesShapes.GetExecutionHistoryRequest) throws -> StatesShapes.GetExecutionHistoryResponse {
        let execution = try existingExecution(request.executionArn)
        let size = try Self.pageSize(request.maxResults)
        let reverse = request.reverseOrder ?? false
        let kind = "history-\(execution.number)-\(reverse ? "reverse" : "forward")"
        let after = try request.nextToken.map { token throws(APIError) in try StatesPageToken.number(token, kind) } ?? 0
        let records = try store.history(of: execution.number, after: Int(after), limit: size + 1, reverse: reverse)
        let page = records.prefix(size)
        let includeData = request.includeExecutionData ?? true
        return .init(events: page.map { Self.event($0, includeData: includeData) },
                     nextToken: records.count > size ? page.last.map { StatesPageToken.make(kind, String($0.id)) } : nil)
    }

    /// A history event as `GetExecutionHistory` lists it; without `includeData`, its details lose their input and output.
    static func event(_ record: HistoryRecord, includeData: Bool) -> JSONValue {
        var event: [String: JSONValue] = ["timestamp": .number(StatesShapes.seconds(record.time)), "type": .string(record.type),
                                          "id": .integer(record.id), "previousEventId": .integer(record.previous)]
        if var details = record.details, case .object = details, let member = HistoryEvent.detailsMember(of: record.type) {
            if !includeData {
                for key in ["input", "inputDetails", "output", "outputDetails"] { details[key] = nil }
            }
            event[member] = details
        }
        return .object(event)
    }
}
