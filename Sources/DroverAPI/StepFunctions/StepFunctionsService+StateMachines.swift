import DroverCore
import DroverEngine
import DroverStore
import Foundation

extension StepFunctionsService {
    /// The definition in `text`, checked as `drover workflow` checks a file: `InvalidDefinition` listing every problem.
    func checkedDefinition(_ text: String) throws(APIError) -> WorkflowDefinition {
        let (definition, issues) : (WorkflowDefinition?, [ValidationIssue])
        do {
            (definition, issues) = try WorkflowDefinition.check(text: text, path: "definition")
        } catch {
            throw APIError.states("InvalidDefinition", "Invalid State Machine Definition: \(error.message)")
        }
        guard let definition, issues.isEmpty else {
            let list = issues.map(\.description).joined(separator: "; ")
            throw APIError.states("InvalidDefinition", "Invalid State Machine Definition (\(issues.count) problem\(issues.count == 1 ? "" : "s")): \(list)")
        }
        return definition
    }

    /// `InvalidArn` unless `roleArn` is an ARN (Drover keeps the role and checks no permission).
    static func checkRole(_ roleArn: String) throws(APIError) {
        guard roleArn.hasPrefix("arn:"), roleArn.split(separator: ":", omittingEmptySubsequences: false).count >= 6 else {
            throw APIError.states("InvalidArn", "Invalid Arn: '\(roleArn)' is not a role's ARN (arn:aws:iam::ACCOUNT:role/NAME) in roleArn")
        }
    }

    func createStateMachine(_ request: StatesShapes.CreateStateMachineRequest) throws -> StatesShapes.CreateStateMachineResponse {
        if let problem = WorkflowLaunch.nameProblem(request.name) {
            throw APIError.states("InvalidName", "Invalid Name: '\(request.name)' \(problem)")
        }
        if let type = request.type, type != "STANDARD" {
            throw APIError.states("StateMachineTypeNotSupported",
                                  "State Machine Type Not Supported: '\(type)'; Drover runs STANDARD state machines only")
        }
        try Self.checkRole(request.roleArn)
        _ = try checkedDefinition(request.definition)
        let arn = StatesARN.stateMachine(request.name, arns)
        if let existing = try store.stateMachine(request.name) {
            guard existing.definition == request.definition, existing.roleArn == request.roleArn else {
                throw APIError.states("StateMachineAlreadyExists",
                                      "State Machine Already Exists: '\(arn)' has another definition or role (UpdateStateMachine changes them)")
            }
            return .init(stateMachineArn: arn, creationDate: StatesShapes.seconds(existing.createdAt))
        }
        let machine = try store.putStateMachine(name: request.name, definition: request.definition, roleArn: request.roleArn)
        return .init(stateMachineArn: arn, creationDate: StatesShapes.seconds(machine.createdAt))
    }

    func describeStateMachine(_ request: StatesShapes.StateMachineRequest) throws -> StatesShapes.DescribeStateMachineResponse {
        let machine = try existingMachine(request.stateMachineArn)
        return .init(stateMachineArn: StatesARN.stateMachine(machine.name, arns), name: machine.name, definition: machine.definition,
                     roleArn: machine.roleArn, creationDate: StatesShapes.seconds(machine.createdAt))
    }

    func listStateMachines(_ request: StatesShapes.ListStateMachinesRequest) throws -> StatesShapes.ListStateMachinesResponse {
        let size = try Self.pageSize(request.maxResults)
        let after = try request.nextToken.map { token throws(APIError) in try StatesPageToken.read(token, "machines") }
        let machines = try store.stateMachines().filter { after == nil || $0.name > after! }
        let page = machines.prefix(size)
        return .init(stateMachines: page.map {
            .init(stateMachineArn: StatesARN.stateMachine($0.name, arns), name: $0.name, creationDate: StatesShapes.seconds($0.createdAt))
        }, nextToken: machines.count > size ? page.last.map { StatesPageToken.make("machines", $0.name) } : nil)
    }

    func updateStateMachine(_ request: StatesShapes.UpdateStateMachineRequest) throws -> StatesShapes.UpdateStateMachineResponse {
        guard request.definition != nil || request.roleArn != nil else {
            throw APIError.states("MissingRequiredParameter", "Missing Required Parameter: give a definition or a roleArn to change")
        }
        let machine = try existingMachine(request.stateMachineArn)
        if let role = request.roleArn { try Self.checkRole(role) }
        if let text = request.definition { _ = try checkedDefinition(text) }
        let updated = try store.putStateMachine(name: machine.name, definition: request.definition ?? machine.definition,
                                                roleArn: request.roleArn ?? machine.roleArn)
        return .init(updateDate: StatesShapes.seconds(updated.updatedAt))
    }

    func deleteStateMachine(_ request: StatesShapes.StateMachineRequest) throws -> EmptyResponse {
        // As in AWS, deleting a machine that is not there succeeds; its executions run on.
        if let name = try machineName(request.stateMachineArn) {
            try store.deleteStateMachine(name)
        }
        return EmptyResponse()
    }
}
