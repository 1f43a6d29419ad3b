/// A state machine definition in Amazon States Language (JSON, or YAML), read and checked as Step Functions checks
/// one when it is created, with the line of each field so that later checks can point at the file too.
public struct WorkflowDefinition: Sendable, Equatable {
    /// The machine the definition declares.
    public var machine: StateMachine
    /// The definition's text, as read.
    public var text: String
    /// The file it was read from, as given (what locations start with).
    public var path: String
    /// The 1-based line of each field path (`States.Run.Parameters.JobQueue`).
    public var lines: [String: Int]
    /// What Drover runs but Step Functions would refuse, located as issues are.
    public var warnings: [ValidationIssue] = []

    /// Creates a definition from its parts (``parse(text:path:)`` reads one).
    public init(machine: StateMachine, text: String, path: String, lines: [String: Int] = [:]) {
        self.machine = machine
        self.text = text
        self.path = path
        self.lines = lines
    }

    /// Reads the definition in `text`, the content of the file `path`, and checks it: every problem found is thrown at
    /// once, as ``DroverError/invalid(_:nothingChanged:)`` issues located `path:line` with the field path
    /// (`States.ProcessBatch.Branches[0].States.ProcessDataSet1.Next`).
    public static func parse(text: String, path: String) throws(DroverError) -> WorkflowDefinition {
        let (definition, issues) = try check(text: text, path: path)
        guard let definition, issues.isEmpty else { throw DroverError.invalid(issues) }
        return definition
    }

    /// Reads and checks the definition in `text` (the file `path`): the definition when it is valid, else every
    /// problem found, in the order of their lines. Throws only for text whose YAML aliases expand too far.
    public static func check(text: String, path: String) throws(DroverError) -> (definition: WorkflowDefinition?, issues: [ValidationIssue]) {
        var issues: [ValidationIssue] = []
        guard let document = try LocatedJSON.read(text: text, path: path, issues: &issues) else { return (nil, issues) }
        var parser = StateMachineParser(document: document)
        let machine = parser.machine(document.value, at: "", scope: .top, place: "the state machine")
        guard parser.problems.isEmpty else {
            issues = parser.problems.enumerated()
                .map { (line: document.line(of: $0.element.field), index: $0.offset, problem: $0.element) }
                .sorted { ($0.line, $0.index) < ($1.line, $1.index) }
                .map { ValidationIssue(location: "\(path):\($0.line)", field: $0.problem.field, message: $0.problem.message) }
            return (nil, issues)
        }
        var definition = WorkflowDefinition(machine: machine, text: text, path: path, lines: document.lines)
        definition.warnings = parser.warnings.map { ValidationIssue(location: "\(path):\(document.line(of: $0.field))", field: $0.field, message: $0.message) }
        return (definition, [])
    }

    /// Reads and checks the definition in the file at `path`.
    public static func load(path: String) throws(DroverError) -> WorkflowDefinition {
        try parse(text: try DocumentLoader.read(path: path), path: path)
    }

    /// The line of `field`, or of the nearest field that contains it.
    public func line(of field: String) -> Int {
        LocatedJSON.line(of: field, in: lines)
    }

    /// `path:line` for `field`.
    public func location(of field: String) -> String {
        "\(path):\(line(of: field))"
    }

    /// The field path of the nested machine `machinePath` names (`States.P.Branches[1]`, `States.M.ItemProcessor`;
    /// empty for the top level).
    public func field(of machinePath: MachinePath) -> String {
        var field = ""
        var current = machine
        for step in machinePath.steps {
            let stateField = LocatedJSON.join(field, "States.\(step.state)")
            switch current.states[step.state]?.kind {
            case .parallel(let branches)? where branches.indices.contains(step.branch):
                field = "\(stateField).Branches[\(step.branch)]"
                current = branches[step.branch]
            case .map(let map)?:
                field = lines["\(stateField).Iterator"] != nil ? "\(stateField).Iterator" : "\(stateField).ItemProcessor"
                current = map.processor
            default:
                return field
            }
        }
        return field
    }

    /// The field path of the state `name` of the machine at `machinePath` (`States.P.Branches[0].States.Run`).
    public func field(ofState name: String, in machinePath: MachinePath = .top) -> String {
        LocatedJSON.join(field(of: machinePath), "States.\(name)")
    }

    /// A batch `Task` state of the definition, at any depth, with what a check of its job queue and job definition
    /// needs to report a problem at its line.
    public struct BatchTask: Sendable, Equatable {
        /// The state's name.
        public var stateName: String
        /// The machine it belongs to.
        public var machinePath: MachinePath
        /// The state's field path (`States.P.Branches[0].States.Run`).
        public var field: String
        /// `path:line` of its `Parameters`.
        public var location: String
        /// Its `Parameters` (`JobName`, `JobQueue`, `JobDefinition`, each plain or as a `.$` path).
        public var parameters: JSONValue
        /// What its resource asks for.
        public var integration: TaskSpec.Integration
    }

    /// Every batch `Task` state, in the order the definition writes them, nested machines where their state is.
    public func batchTasks() -> [BatchTask] {
        var tasks: [BatchTask] = []
        func visit(_ machine: StateMachine, at machinePath: MachinePath) {
            for name in machine.order {
                guard let state = machine.states[name] else { continue }
                switch state.kind {
                case .task(let spec):
                    let field = field(ofState: name, in: machinePath)
                    tasks.append(BatchTask(stateName: name, machinePath: machinePath, field: field, location: location(of: "\(field).Parameters"),
                                           parameters: state.parameters ?? .object([:]), integration: spec.integration))
                case .parallel(let branches):
                    for (index, branch) in branches.enumerated() { visit(branch, at: machinePath.appending(state: name, branch: index)) }
                case .map(let map):
                    visit(map.processor, at: machinePath.appending(state: name, branch: 0))
                default:
                    break
                }
            }
        }
        visit(machine, at: .top)
        return tasks
    }
}
