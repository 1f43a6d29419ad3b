import DroverCore
import DroverStore
import Foundation

/// Starting an execution, the same way from the CLI and the API: the definition is checked against the store (its
/// tasks' queues and job definitions must exist), kept as a state machine, and an execution of it starts.
public enum WorkflowLaunch {
    /// The role an execution runs as when none is given (kept and shown; Drover checks no permissions).
    public static let defaultRole = "arn:aws:iam::000000000000:role/drover-workflows"

    /// Problems of the definition's batch tasks against the store: a `JobQueue` or `JobDefinition` written as a plain
    /// value that names nothing there, located at the task's `Parameters`.
    public static func resourceIssues(_ definition: WorkflowDefinition, store: Store) throws(DroverError) -> [ValidationIssue] {
        let tasks = definition.batchTasks()
        let queues = tasks.compactMap { $0.parameters["JobQueue"]?.string }
        let definitions = tasks.compactMap { $0.parameters["JobDefinition"]?.string }
        let unknown = try store.unknownResources(queues: queues, definitions: definitions)
        var issues: [ValidationIssue] = []
        for task in tasks {
            if let queue = task.parameters["JobQueue"]?.string, unknown.queues.contains(queue) {
                issues.append(ValidationIssue(location: definition.location(of: task.field + ".Parameters.JobQueue"), field: task.field + ".Parameters.JobQueue",
                                              message: "Task state '\(task.stateName)': no job queue '\(queue)' (apply a job file that declares it; `drover queues` lists them)"))
            }
            if let name = task.parameters["JobDefinition"]?.string, unknown.definitions.contains(name) {
                issues.append(ValidationIssue(location: definition.location(of: task.field + ".Parameters.JobDefinition"),
                                              field: task.field + ".Parameters.JobDefinition",
                                              message: "Task state '\(task.stateName)': no ACTIVE job definition '\(name)' (apply a job file that declares it; `drover definitions` lists them)"))
            }
        }
        return issues
    }

    /// What is wrong with `name` as a state machine's or an execution's name (Step Functions' rules), nil when nothing.
    public static func nameProblem(_ name: String) -> String? {
        if name.isEmpty || name.count > 80 { return "must be 1 to 80 characters" }
        let refused = CharacterSet(charactersIn: " <>{}[]?*\"#%\\^|~`$&,;:/").union(.whitespacesAndNewlines).union(.controlCharacters)
        if name.unicodeScalars.contains(where: refused.contains) {
            return "may not hold spaces, control characters or any of < > { } [ ] ? * \" # % \\ ^ | ~ ` $ & , ; : /"
        }
        return nil
    }

    /// Checks `definition` against the store, keeps it as the state machine `machine` (unless `keepMachine` is false:
    /// the machine is already there), and starts an execution named `name` (a new UUID when nil) on `input`, in one
    /// transaction. An execution of that name still RUNNING with the same input and definition is resumed rather than
    /// started twice (with `followEnded`, an ended one is returned too); a refused start changes nothing.
    public static func start(_ definition: WorkflowDefinition, machine: String, name: String?, input: JSONValue, store: Store,
                             region: String, account: String, roleArn: String = defaultRole,
                             followEnded: Bool = false, keepMachine: Bool = true) throws(DroverError) -> (execution: ExecutionRecord, resumed: Bool) {
        var issues: [ValidationIssue] = []
        if let problem = nameProblem(machine) { issues.append(ValidationIssue(field: "state machine name '\(machine)'", message: problem)) }
        let name = name ?? UUID().uuidString.lowercased()
        if let problem = nameProblem(name) { issues.append(ValidationIssue(field: "execution name '\(name)'", message: problem)) }
        if input.nests(deeperThan: Interpreter.maxDepth) {
            issues.append(ValidationIssue(field: "input", message: "nests more than \(Interpreter.maxDepth) arrays and objects deep; Drover runs at most \(Interpreter.maxDepth)"))
        }
        issues += try resourceIssues(definition, store: store)
        if !issues.isEmpty { throw DroverError.invalid(issues) }
        let start = ExecutionStart(machine: machine, name: name, input: input, definition: definition.text,
                                   timeoutSeconds: definition.machine.timeoutSeconds, region: region, account: account, roleArn: roleArn)
        return try store.startExecution(start, startAt: definition.machine.startAt, followEnded: followEnded, keepMachine: keepMachine)
    }
}
