import Foundation

/// Builds a ``StateMachine`` from a definition read as ``LocatedJSON``, noting every problem it finds with its field
/// path (`States.Process.Branches[0].States.Step.Next`) instead of stopping at the first. A state with problems is
/// still built, with stand-ins, so that the states after it are checked too; the machine is only used when no
/// problem was found.
struct StateMachineParser {
    /// Which machine is read: the fields a machine object takes depend on it.
    enum Scope {
        case top
        case branch
        /// A `Map`'s `ItemProcessor`, which may have a `ProcessorConfig`.
        case processor
        /// A `Map`'s `Iterator` (the older name).
        case iterator
    }

    /// The state types of Amazon States Language.
    static let stateTypes = ["Pass", "Task", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map"]
    static let common: Set<String> = ["Type", "Comment", "InputPath", "OutputPath", "QueryLanguage"]
    /// The fields each state type takes (Drover runs JSONPath definitions: no JSONata, no variables).
    static let fields: [String: Set<String>] = [
        "Pass": common.union(["Next", "End", "ResultPath", "Parameters", "Result"]),
        "Task": common.union([
            "Next", "End", "ResultPath", "Parameters", "ResultSelector", "Retry", "Catch", "Resource", "TimeoutSeconds",
            "TimeoutSecondsPath", "HeartbeatSeconds", "HeartbeatSecondsPath",
        ]),
        "Choice": common.union(["Choices", "Default"]),
        "Wait": common.union(["Next", "End", "Seconds", "Timestamp", "SecondsPath", "TimestampPath"]),
        "Succeed": common,
        "Fail": ["Type", "Comment", "QueryLanguage", "Error", "Cause", "ErrorPath", "CausePath"],
        "Parallel": common.union(["Next", "End", "ResultPath", "Parameters", "ResultSelector", "Retry", "Catch", "Branches"]),
        "Map": common.union([
            "Next", "End", "ResultPath", "Parameters", "ResultSelector", "Retry", "Catch", "ItemProcessor", "Iterator",
            "ItemsPath", "ItemSelector", "MaxConcurrency", "MaxConcurrencyPath",
        ]),
    ]
    /// Distributed-map fields, which Drover (inline maps only) does not run.
    static let distributedMapFields: Set<String> = [
        "ItemReader", "ItemBatcher", "ResultWriter", "ToleratedFailureCount", "ToleratedFailureCountPath",
        "ToleratedFailurePercentage", "ToleratedFailurePercentagePath", "Label",
    ]
    /// The longest state name Step Functions accepts.
    static let maxNameLength = 80
    /// The largest number of seconds Step Functions accepts in `Seconds`, `TimeoutSeconds`, `IntervalSeconds`...
    static let maxSeconds = 99_999_999

    let document: LocatedJSON
    var problems: [(field: String, message: String)]
    /// What Drover accepts but Step Functions would not (a state without `Next` or `End`, which ends there).
    var warnings: [(field: String, message: String)] = []

    init(document: LocatedJSON) {
        self.document = document
        problems = document.problems
    }

    mutating func report(_ field: String, _ message: String) {
        problems.append((field, message))
    }

    static func join(_ base: String, _ key: String) -> String { LocatedJSON.join(base, key) }

    // MARK: Machines

    /// Reads the machine at `field`; `place` names it in messages (`the state machine`, `branch 0 of Parallel state
    /// 'P'`).
    mutating func machine(_ value: JSONValue, at field: String, scope: Scope, place: String) -> StateMachine {
        var result = StateMachine(startAt: "", states: [:], order: [])
        guard let members = value.object else {
            report(field, "\(place) must be an object with StartAt and States (got \(value.kind))")
            return result
        }
        var allowed: Set<String> = ["StartAt", "States", "Comment"]
        switch scope {
        case .top: allowed.formUnion(["TimeoutSeconds", "Version", "QueryLanguage"])
        case .processor: allowed.insert("ProcessorConfig")
        case .branch, .iterator: break
        }
        for key in document.order(of: field, members: members) where !allowed.contains(key) {
            report(Self.join(field, key), "Field \(key) is not supported in \(place); it takes \(allowed.sorted().joined(separator: ", "))")
        }
        if scope == .top {
            queryLanguage(members, at: field, who: place)
            if let version = members["Version"], version != .string("1.0") {
                report(Self.join(field, "Version"), "Version must be \"1.0\", the only Amazon States Language version (or left out)")
            }
            if let timeout = members["TimeoutSeconds"] {
                result.timeoutSeconds = integer(timeout, at: Self.join(field, "TimeoutSeconds"), who: place, name: "TimeoutSeconds", range: 1...Self.maxSeconds)
            }
        }
        if let comment = members["Comment"] {
            result.comment = string(comment, at: Self.join(field, "Comment"), who: place, name: "Comment")
        }
        let startAtField = Self.join(field, "StartAt")
        var startAt: String?
        switch members["StartAt"] {
        case nil, .null?:
            report(field, "\(place) has no StartAt: add \"StartAt\" naming the state that runs first")
        case .string(let name)?:
            startAt = name
            result.startAt = name
        case let other?:
            report(startAtField, "StartAt must be the name of the state that runs first (got \(other.kind))")
        }
        let statesField = Self.join(field, "States")
        var graph = MachineGraph()
        switch members["States"] {
        case nil, .null?:
            report(field, "\(place) has no States: add \"States\", an object of states by name")
            return result
        case .object(let states)?:
            if states.isEmpty { report(statesField, "\(place) declares no state: States needs at least one") }
            for name in document.order(of: statesField, members: states) {
                let stateField = Self.join(statesField, name)
                graph.order.append(name)
                if name.isEmpty || name.count > Self.maxNameLength {
                    report(stateField, "state '\(name)': a state name must be 1 to \(Self.maxNameLength) characters long (this one has \(name.count)); rename it")
                }
                if let built = state(name: name, states[name] ?? .null, at: stateField, graph: &graph) {
                    result.states[name] = built
                }
            }
            result.order = graph.order
        case let other?:
            report(statesField, "States must be an object of states by name (got \(other.kind))")
            return result
        }
        for problem in WorkflowValidator.transitionProblems(in: graph, startAt: startAt, startAtField: startAtField, statesField: statesField, place: place) {
            report(problem.field, problem.message)
        }
        return result
    }

    /// Refuses `QueryLanguage` other than `JSONPath`.
    mutating func queryLanguage(_ members: [String: JSONValue], at field: String, who: String) {
        guard let language = members["QueryLanguage"], language != .string("JSONPath") else { return }
        report(Self.join(field, "QueryLanguage"), "\(who): QueryLanguage \(language.document) is not supported: Drover runs JSONPath definitions; remove QueryLanguage or set it to \"JSONPath\"")
    }

    // MARK: States

    /// Reads one state, adding its transitions to `graph`; nil when its type is unknown.
    mutating func state(name: String, _ value: JSONValue, at field: String, graph: inout MachineGraph) -> WorkflowState? {
        guard let members = value.object else {
            report(field, "state '\(name)' must be an object with a Type (got \(value.kind))")
            graph.terminals.insert(name)
            return nil
        }
        guard let type = members["Type"]?.string, Self.stateTypes.contains(type) else {
            if let type = members["Type"] {
                report(Self.join(field, "Type"), "state '\(name)': unknown Type \(type.document); use one of \(Self.stateTypes.joined(separator: ", "))")
            } else {
                report(field, "state '\(name)' has no Type: add \"Type\", one of \(Self.stateTypes.joined(separator: ", "))")
            }
            // Its transitions still count, so that the states it leads to are not also reported unreachable.
            if let next = members["Next"]?.string { graph.edges[name, default: []].append(MachineGraph.Edge(target: next, field: Self.join(field, "Next"), label: "Next", who: "state '\(name)'")) }
            graph.terminals.insert(name)
            return nil
        }
        let who = "\(type) state '\(name)'"
        unsupportedFields(members, at: field, type: type, who: who)
        queryLanguage(members, at: field, who: who)
        if let comment = members["Comment"] { _ = string(comment, at: Self.join(field, "Comment"), who: who, name: "Comment") }

        var built = WorkflowState(name: name, kind: .succeed, transition: .none)
        built.transition = transition(members, at: field, type: type, who: who, name: name, graph: &graph)
        if type != "Fail" {
            built.inputPath = pathField(members, "InputPath", at: field, who: who, reference: false)
            built.outputPath = pathField(members, "OutputPath", at: field, who: who, reference: false)
        }
        if ["Pass", "Task", "Parallel", "Map"].contains(type) {
            built.resultPath = pathField(members, "ResultPath", at: field, who: who, reference: true)
            if type != "Map" { built.parameters = template(members, "Parameters", at: field, who: who) }
        }
        if ["Task", "Parallel", "Map"].contains(type) {
            built.resultSelector = template(members, "ResultSelector", at: field, who: who)
            built.retry = retriers(members["Retry"], at: Self.join(field, "Retry"), who: who)
            built.catchers = catchers(members["Catch"], at: Self.join(field, "Catch"), who: who, name: name, graph: &graph)
        }
        switch type {
        case "Pass":
            built.kind = .pass(result: members["Result"])
        case "Task":
            built.kind = .task(task(members, at: field, who: who, parameters: built.parameters))
        case "Choice":
            built.kind = choice(members, at: field, who: who, name: name, graph: &graph)
        case "Wait":
            built.kind = .wait(wait(members, at: field, who: who))
        case "Succeed":
            built.kind = .succeed
        case "Fail":
            built.kind = .fail(fail(members, at: field, who: who))
        case "Parallel":
            built.kind = .parallel(branches: branches(members, at: field, who: who))
        default:
            built.kind = .map(map(members, at: field, who: who))
        }
        return built
    }

    /// Reports each field the state's type does not take, saying why when there is more to say than that.
    mutating func unsupportedFields(_ members: [String: JSONValue], at field: String, type: String, who: String) {
        let allowed = Self.fields[type] ?? []
        for key in document.order(of: field, members: members) where !allowed.contains(key) {
            let message: String
            switch key {
            case "Retry", "Catch":
                message = "\(who): Field \(key) is not supported by a \(type) state: only Task, Parallel and Map states retry and catch errors; remove it"
            case _ where (key == "Next" || key == "End") && type == "Choice":
                message = "\(who): Field \(key) is not supported by a Choice state: its Choices and Default name the next state; remove it"
            case "Next", "End":
                message = "\(who): Field \(key) is not supported: a \(type) state ends the execution (or its branch); remove it"
            case _ where type == "Map" && Self.distributedMapFields.contains(key):
                message = "\(who): Field \(key) is not supported: it belongs to distributed Map, and Drover runs Map states inline; remove it and pass the items in the state's input (ItemsPath)"
            case "Assign", "Arguments", "Output":
                message = "\(who): Field \(key) is not supported: Drover runs JSONPath definitions, without JSONata or variables; remove it"
            default:
                message = "\(who): Field \(key) is not supported; remove it (a \(type) state takes \(allowed.sorted().joined(separator: ", ")))"
            }
            report(Self.join(field, key), message)
        }
    }

    /// `Next` or `End` for the types that need one of them, with the edge added to `graph`.
    mutating func transition(_ members: [String: JSONValue], at field: String, type: String, who: String, name: String,
                             graph: inout MachineGraph) -> WorkflowState.Transition {
        switch type {
        case "Succeed", "Fail":
            graph.terminals.insert(name)
            return .none
        case "Choice":
            return .none
        default:
            break
        }
        let next = members["Next"]
        let end = members["End"]
        if let end, end != .bool(true) {
            report(Self.join(field, "End"), "\(who): End must be true; to go on to another state, remove End and set Next")
        }
        switch (next, end) {
        case (nil, nil):
            // The Step Functions + Batch example most copied has none on its Parallel state: it runs, ending there.
            warnings.append((field, "\(who) has neither Next nor End: Drover ends the execution (or branch) there, but Step Functions refuses it: add \"End\": true (or \"Next\")"))
            graph.terminals.insert(name)
            return .end
        case (.some(let next), .some):
            report(Self.join(field, "End"), "\(who) has both Next and End: keep Next to go on, or End to stop here")
            graph.terminals.insert(name)
            // The state it names still counts as reached, so that it is not reported too.
            if let target = next.string { graph.edges[name, default: []].append(MachineGraph.Edge(target: target, field: Self.join(field, "Next"), label: "Next", who: who)) }
            return .end
        case (.some(let next), nil):
            guard let target = next.string, !target.isEmpty else {
                report(Self.join(field, "Next"), "\(who): Next must be the name of a state (got \(next.kind))")
                graph.terminals.insert(name)
                return .end
            }
            graph.edges[name, default: []].append(MachineGraph.Edge(target: target, field: Self.join(field, "Next"), label: "Next", who: who))
            return .next(target)
        case (nil, .some):
            graph.terminals.insert(name)
            return .end
        }
    }

    // MARK: Types

    mutating func task(_ members: [String: JSONValue], at field: String, who: String, parameters: JSONValue?) -> TaskSpec {
        var spec = TaskSpec(resource: "", integration: .submitJobSync)
        let resourceField = Self.join(field, "Resource")
        switch members["Resource"] {
        case nil, .null?:
            report(field, "\(who) has no Resource: set it to arn:aws:states:::batch:submitJob.sync (run a job and wait for it) or arn:aws:states:::batch:submitJob")
        case .string(let resource)?:
            spec.resource = resource
            if let integration = Self.batchIntegration(resource) {
                spec.integration = integration
            } else if resource.hasSuffix(".waitForTaskToken") {
                report(resourceField, "\(who): Resource \(resource) is not supported: Drover runs AWS Batch tasks only, and the callback pattern is not supported; use arn:aws:states:::batch:submitJob.sync (run a job and wait for it to end) or arn:aws:states:::batch:submitJob")
            } else {
                report(resourceField, "\(who): Resource \(resource) is not supported: Drover runs AWS Batch tasks only; use arn:aws:states:::batch:submitJob.sync (run a job and wait for it to end) or arn:aws:states:::batch:submitJob (submit it and go on)")
            }
        case let other?:
            report(resourceField, "\(who): Resource must be an ARN (got \(other.kind))")
        }
        let parametersField = Self.join(field, "Parameters")
        if !spec.resource.isEmpty, Self.batchIntegration(spec.resource) == nil {
            // Another service's task: its parameters are not a batch job's.
        } else if let parameters = parameters?.object {
            let needed = [("JobName", "the job's name"), ("JobQueue", "the job queue to submit to"), ("JobDefinition", "the job definition to run")]
            for (key, what) in needed {
                switch (parameters[key], parameters["\(key).$"]) {
                case (nil, nil):
                    report(parametersField, "\(who): Parameters has no \(key): add \"\(key)\" (or \"\(key).$\", a path to it in the input), \(what)")
                case (.some, .some):
                    report(Self.join(parametersField, key), "\(who): Parameters has both \(key) and \(key).$: keep one")
                case (.some(let value), nil) where value.string == nil:
                    report(Self.join(parametersField, key), "\(who): Parameters.\(key) must be text (got \(value.kind))")
                default:
                    break
                }
            }
        } else if members["Parameters"] == nil {
            report(field, "\(who) has no Parameters: a batch task needs Parameters with JobName, JobQueue and JobDefinition")
        }
        if let value = members["TimeoutSeconds"] {
            spec.timeoutSeconds = integer(value, at: Self.join(field, "TimeoutSeconds"), who: who, name: "TimeoutSeconds", range: 1...Self.maxSeconds)
        }
        if let value = members["HeartbeatSeconds"] {
            spec.heartbeatSeconds = integer(value, at: Self.join(field, "HeartbeatSeconds"), who: who, name: "HeartbeatSeconds", range: 1...Self.maxSeconds)
        }
        spec.timeoutSecondsPath = referencePath(members, "TimeoutSecondsPath", at: field, who: who)
        spec.heartbeatSecondsPath = referencePath(members, "HeartbeatSecondsPath", at: field, who: who)
        for key in ["TimeoutSeconds", "HeartbeatSeconds"] where members[key] != nil && members["\(key)Path"] != nil {
            report(Self.join(field, "\(key)Path"), "\(who) has both \(key) and \(key)Path: keep one")
        }
        if let timeout = spec.timeoutSeconds, let heartbeat = spec.heartbeatSeconds, heartbeat >= timeout {
            report(Self.join(field, "HeartbeatSeconds"), "\(who): HeartbeatSeconds (\(heartbeat)) must be less than TimeoutSeconds (\(timeout)); lower it or raise TimeoutSeconds")
        }
        return spec
    }

    /// What a `Resource` ARN asks of AWS Batch (nil for any other resource): `arn:PARTITION:states:REGION:ACCOUNT:batch:submitJob[.sync]`,
    /// with the region and account usually empty.
    static func batchIntegration(_ resource: String) -> TaskSpec.Integration? {
        let parts = resource.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 7, parts[0] == "arn", parts[1].hasPrefix("aws"), parts[2] == "states", parts[5] == "batch" else { return nil }
        return TaskSpec.Integration(rawValue: String(parts[6]))
    }

    mutating func wait(_ members: [String: JSONValue], at field: String, who: String) -> WaitSpec {
        let keys = ["Seconds", "Timestamp", "SecondsPath", "TimestampPath"]
        let given = keys.filter { members[$0] != nil }
        guard given.count == 1 else {
            if given.isEmpty {
                report(field, "\(who) has none of Seconds, Timestamp, SecondsPath, TimestampPath: add exactly one")
            } else {
                report(Self.join(field, given[1]), "\(who) has \(given.joined(separator: " and ")): keep exactly one of Seconds, Timestamp, SecondsPath, TimestampPath")
            }
            return .seconds(0)
        }
        let key = given[0]
        let value = members[key] ?? .null
        let valueField = Self.join(field, key)
        switch key {
        case "Seconds":
            return .seconds(integer(value, at: valueField, who: who, name: key, range: 0...Self.maxSeconds) ?? 0)
        case "Timestamp":
            guard let text = value.string, Self.isTimestamp(text) else {
                report(valueField, "\(who): Timestamp must be an RFC 3339 time with an uppercase T and Z or an offset, as 2026-12-01T05:00:00Z (got \(value.document))")
                return .timestamp("")
            }
            return .timestamp(text)
        case "SecondsPath":
            return .secondsPath(referencePath(members, key, at: field, who: who) ?? "$")
        default:
            return .timestampPath(referencePath(members, key, at: field, who: who) ?? "$")
        }
    }

    /// True for an RFC 3339 time as Step Functions reads it (`2026-12-01T05:00:00Z`, `2026-12-01T05:00:00.250+02:00`).
    static func isTimestamp(_ text: String) -> Bool {
        guard text.contains("T"), !text.contains("t"), !text.contains("z") else { return false }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if formatter.date(from: text) != nil { return true }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text) != nil
    }

    mutating func fail(_ members: [String: JSONValue], at field: String, who: String) -> FailSpec {
        var spec = FailSpec()
        for key in ["Error", "Cause"] {
            let plain = members[key].flatMap { string($0, at: Self.join(field, key), who: who, name: key) }
            var path: String?
            if let value = members["\(key)Path"] {
                let pathField = Self.join(field, "\(key)Path")
                path = string(value, at: pathField, who: who, name: "\(key)Path")
                // An intrinsic function (States.Format...) is the data language's to check when it runs.
                if let text = path, !text.hasPrefix("States."), let problem = JSONPath.problem(in: text, reference: true) {
                    report(pathField, "\(who): \(key)Path \(text) is not a reference path or an intrinsic function: \(problem)")
                }
                if plain != nil { report(pathField, "\(who) has both \(key) and \(key)Path: keep one") }
            }
            if key == "Error" {
                spec.error = plain
                spec.errorPath = path
            } else {
                spec.cause = plain
                spec.causePath = path
            }
        }
        return spec
    }

    mutating func branches(_ members: [String: JSONValue], at field: String, who: String) -> [StateMachine] {
        let branchesField = Self.join(field, "Branches")
        guard let value = members["Branches"] else {
            report(field, "\(who) has no Branches: add \"Branches\", a list of state machines (StartAt and States) to run at once")
            return []
        }
        guard let items = value.array, !items.isEmpty else {
            report(branchesField, "\(who): Branches must be a list of at least one state machine (StartAt and States)")
            return []
        }
        return items.enumerated().map { index, item in
            machine(item, at: "\(branchesField)[\(index)]", scope: .branch, place: "branch \(index) of \(who)")
        }
    }

    mutating func map(_ members: [String: JSONValue], at field: String, who: String) -> MapSpec {
        var spec = MapSpec(processor: StateMachine(startAt: "", states: [:], order: []))
        switch (members["ItemProcessor"], members["Iterator"]) {
        case (nil, nil):
            report(field, "\(who) has no ItemProcessor: add \"ItemProcessor\", the state machine (StartAt and States) each item runs")
        case (.some, .some):
            report(Self.join(field, "Iterator"), "\(who) has both ItemProcessor and Iterator (its older name): keep ItemProcessor")
        case (.some(let processor), nil):
            let processorField = Self.join(field, "ItemProcessor")
            spec.processor = machine(processor, at: processorField, scope: .processor, place: "the ItemProcessor of \(who)")
            processorConfig(processor.object?["ProcessorConfig"], at: Self.join(processorField, "ProcessorConfig"), who: who)
        case (nil, .some(let iterator)):
            spec.processor = machine(iterator, at: Self.join(field, "Iterator"), scope: .iterator, place: "the Iterator of \(who)")
        }
        spec.itemsPath = pathField(members, "ItemsPath", at: field, who: who, reference: false)
        if members["ItemSelector"] != nil, members["Parameters"] != nil {
            report(Self.join(field, "Parameters"), "\(who) has both ItemSelector and Parameters (its older name): keep ItemSelector")
        }
        spec.itemSelector = template(members, "ItemSelector", at: field, who: who) ?? template(members, "Parameters", at: field, who: who)
        if let value = members["MaxConcurrency"] {
            spec.maxConcurrency = integer(value, at: Self.join(field, "MaxConcurrency"), who: who, name: "MaxConcurrency", range: 0...Int.max) ?? 0
            if members["MaxConcurrencyPath"] != nil {
                report(Self.join(field, "MaxConcurrencyPath"), "\(who) has both MaxConcurrency and MaxConcurrencyPath: keep one")
            }
        }
        spec.maxConcurrencyPath = referencePath(members, "MaxConcurrencyPath", at: field, who: who)
        return spec
    }

    mutating func processorConfig(_ value: JSONValue?, at field: String, who: String) {
        guard let value else { return }
        guard let members = value.object else {
            return report(field, "\(who): ProcessorConfig must be an object, as {\"Mode\": \"INLINE\"} (got \(value.kind))")
        }
        for key in document.order(of: field, members: members) where key != "Mode" {
            report(Self.join(field, key), "\(who): Field \(key) is not supported in ProcessorConfig: Drover runs Map states inline; remove it")
        }
        switch members["Mode"] {
        case nil, .string("INLINE")?:
            break
        case .string("DISTRIBUTED")?:
            report(Self.join(field, "Mode"), "\(who): ProcessorConfig.Mode DISTRIBUTED is not supported: Drover runs Map states INLINE only (every item in this execution); set Mode to INLINE or remove ProcessorConfig")
        case let other?:
            report(Self.join(field, "Mode"), "\(who): ProcessorConfig.Mode must be INLINE (got \(other.document))")
        }
    }

    // MARK: Choice

    static let comparatorStems = ["StringEquals", "StringLessThan", "StringGreaterThan", "StringLessThanEquals", "StringGreaterThanEquals",
                                  "NumericEquals", "NumericLessThan", "NumericGreaterThan", "NumericLessThanEquals", "NumericGreaterThanEquals",
                                  "BooleanEquals", "TimestampEquals", "TimestampLessThan", "TimestampGreaterThan", "TimestampLessThanEquals",
                                  "TimestampGreaterThanEquals"]
    static let typeTests = ["IsNull", "IsPresent", "IsNumeric", "IsString", "IsBoolean", "IsTimestamp"]
    /// Every comparator a choice rule may use.
    static let comparators: Set<String> = Set(comparatorStems + comparatorStems.map { "\($0)Path" } + typeTests + ["StringMatches"])

    mutating func choice(_ members: [String: JSONValue], at field: String, who: String, name: String, graph: inout MachineGraph) -> WorkflowState.Kind {
        var branches: [ChoiceBranch] = []
        let choicesField = Self.join(field, "Choices")
        if let items = members["Choices"]?.array, !items.isEmpty {
            for (index, item) in items.enumerated() {
                let ruleField = "\(choicesField)[\(index)]"
                let rule = rule(item, at: ruleField, who: who, top: true)
                var next = ""
                if let target = item.object?["Next"] {
                    if let text = target.string, !text.isEmpty {
                        next = text
                        graph.edges[name, default: []].append(MachineGraph.Edge(target: text, field: Self.join(ruleField, "Next"), label: "Choices[\(index)].Next", who: who))
                    } else {
                        report(Self.join(ruleField, "Next"), "\(who): Choices[\(index)].Next must be the name of a state (got \(target.kind))")
                    }
                } else if item.object != nil {
                    report(ruleField, "\(who): choice rule \(index) has no Next: add \"Next\" naming the state to go to when it matches")
                }
                branches.append(ChoiceBranch(rule: rule, next: next))
            }
        } else if members["Choices"] == nil {
            report(field, "\(who) has no Choices: add \"Choices\", a list of rules each with a Next")
        } else {
            report(choicesField, "\(who): Choices must be a list of at least one rule, each with a Next")
        }
        var defaultState: String?
        if let value = members["Default"] {
            if let text = value.string, !text.isEmpty {
                defaultState = text
                graph.edges[name, default: []].append(MachineGraph.Edge(target: text, field: Self.join(field, "Default"), label: "Default", who: who))
            } else {
                report(Self.join(field, "Default"), "\(who): Default must be the name of a state (got \(value.kind))")
            }
        }
        return .choice(choices: branches, defaultState: defaultState)
    }

    /// Reads a choice rule; `top`: a rule of `Choices` itself (which has the `Next`), not one inside And, Or or Not.
    mutating func rule(_ value: JSONValue, at field: String, who: String, top: Bool) -> ChoiceRule {
        let standIn = ChoiceRule.test(variable: "$", comparator: "IsPresent", operand: .bool(true))
        guard let members = value.object else {
            report(field, "\(who): a choice rule must be an object (got \(value.kind))")
            return standIn
        }
        let operators = ["And", "Or", "Not"]
        let known = Set(operators).union(Self.comparators).union(["Variable", "Comment", "Next"])
        for key in document.order(of: field, members: members) where !known.contains(key) {
            report(Self.join(field, key), "\(who): unknown comparator or field \(key) in a choice rule; use Variable with one of StringEquals, NumericLessThan, BooleanEquals, TimestampEquals, IsPresent... (or their Path forms), or And, Or, Not")
        }
        if !top, members["Next"] != nil {
            report(Self.join(field, "Next"), "\(who): a rule inside And, Or or Not does not take Next; put Next on the rule of Choices that contains it")
        }
        let tests = document.order(of: field, members: members).filter { Self.comparators.contains($0) || operators.contains($0) }
        guard tests.count == 1, let key = tests.first, let operand = members[key] else {
            if tests.isEmpty {
                report(field, "\(who): the choice rule has no comparison: add Variable with a comparator (StringEquals, NumericGreaterThan, IsPresent...), or And, Or, Not")
            } else {
                report(Self.join(field, tests[1]), "\(who): the choice rule has \(tests.joined(separator: " and ")): a rule makes exactly one comparison; combine several with And or Or")
            }
            return standIn
        }
        let operandField = Self.join(field, key)
        if operators.contains(key) {
            if members["Variable"] != nil {
                report(Self.join(field, "Variable"), "\(who): a rule with \(key) does not take Variable; put Variable on the rules inside it")
            }
            if key == "Not" { return .not(rule(operand, at: operandField, who: who, top: false)) }
            guard let items = operand.array, !items.isEmpty else {
                report(operandField, "\(who): \(key) must be a list of at least one choice rule")
                return standIn
            }
            let rules = items.enumerated().map { rule($0.element, at: "\(operandField)[\($0.offset)]", who: who, top: false) }
            return key == "And" ? .and(rules) : .or(rules)
        }
        var variable = "$"
        switch members["Variable"] {
        case nil:
            report(field, "\(who): the choice rule has \(key) but no Variable: add \"Variable\", the path to the value it compares")
        case .string(let text)?:
            variable = text
            if let problem = JSONPath.problem(in: text, reference: false) {
                report(Self.join(field, "Variable"), "\(who): Variable \(text) is not a valid path: \(problem)")
            }
        case let other?:
            report(Self.join(field, "Variable"), "\(who): Variable must be a path, as $.status (got \(other.kind))")
        }
        if let problem = Self.operandProblem(key, operand) {
            report(operandField, "\(who): \(key) \(problem) (got \(operand.document))")
        } else if key.hasSuffix("Path"), let path = operand.string, let problem = JSONPath.problem(in: path, reference: false) {
            report(operandField, "\(who): \(key) \(path) is not a valid path: \(problem)")
        }
        return .test(variable: variable, comparator: key, operand: operand)
    }

    /// What is wrong with `operand` for `comparator` (nil when it fits).
    static func operandProblem(_ comparator: String, _ operand: JSONValue) -> String? {
        if comparator.hasSuffix("Path") {
            return operand.string == nil ? "takes a path to the value to compare with, as $.limit" : nil
        }
        if comparator.hasPrefix("Is") || comparator == "BooleanEquals" {
            return operand == .bool(true) || operand == .bool(false) ? nil : "takes true or false"
        }
        if comparator.hasPrefix("Numeric") {
            switch operand {
            case .integer, .number: return nil
            default: return "takes a number"
            }
        }
        if comparator.hasPrefix("Timestamp") {
            return operand.string.map(isTimestamp) == true ? nil : "takes an RFC 3339 time, as 2026-12-01T05:00:00Z"
        }
        return operand.string == nil ? "takes text" : nil
    }

    // MARK: Retry and Catch

    mutating func retriers(_ value: JSONValue?, at field: String, who: String) -> [Retrier] {
        guard let value else { return [] }
        guard let items = value.array else {
            report(field, "\(who): Retry must be a list of retriers, each with ErrorEquals (got \(value.kind))")
            return []
        }
        let allowed: Set<String> = ["ErrorEquals", "IntervalSeconds", "MaxAttempts", "BackoffRate", "MaxDelaySeconds", "JitterStrategy", "Comment"]
        return items.enumerated().map { index, item in
            let itemField = "\(field)[\(index)]"
            var retrier = Retrier(errorEquals: [])
            guard let members = item.object else {
                report(itemField, "\(who): Retry[\(index)] must be an object with ErrorEquals (got \(item.kind))")
                return retrier
            }
            for key in document.order(of: itemField, members: members) where !allowed.contains(key) {
                report(Self.join(itemField, key), "\(who): Field \(key) is not supported in a retrier; it takes \(allowed.sorted().joined(separator: ", "))")
            }
            retrier.errorEquals = errorEquals(members, at: itemField, who: who, rule: "Retry", index: index, count: items.count)
            if let value = members["IntervalSeconds"] {
                retrier.intervalSeconds = integer(value, at: Self.join(itemField, "IntervalSeconds"), who: who, name: "IntervalSeconds", range: 1...Self.maxSeconds) ?? 1
            }
            if let value = members["MaxAttempts"] {
                retrier.maxAttempts = integer(value, at: Self.join(itemField, "MaxAttempts"), who: who, name: "MaxAttempts", range: 0...Self.maxSeconds) ?? 3
            }
            if let value = members["MaxDelaySeconds"] {
                retrier.maxDelaySeconds = integer(value, at: Self.join(itemField, "MaxDelaySeconds"), who: who, name: "MaxDelaySeconds", range: 1...31_622_400)
            }
            if let value = members["BackoffRate"] {
                let rate: Double? = switch value {
                case .integer(let whole): Double(whole)
                case .number(let number): number
                default: nil
                }
                if let rate, rate >= 1 {
                    retrier.backoffRate = rate
                } else {
                    report(Self.join(itemField, "BackoffRate"), "\(who): BackoffRate must be a number of at least 1.0, what each delay is multiplied by (got \(value.document))")
                }
            }
            if let value = members["JitterStrategy"] {
                if let jitter = value.string.flatMap(Retrier.Jitter.init(rawValue:)) {
                    retrier.jitter = jitter
                } else {
                    report(Self.join(itemField, "JitterStrategy"), "\(who): JitterStrategy must be FULL or NONE (got \(value.document))")
                }
            }
            return retrier
        }
    }

    mutating func catchers(_ value: JSONValue?, at field: String, who: String, name: String, graph: inout MachineGraph) -> [Catcher] {
        guard let value else { return [] }
        guard let items = value.array else {
            report(field, "\(who): Catch must be a list of catchers, each with ErrorEquals and Next (got \(value.kind))")
            return []
        }
        let allowed: Set<String> = ["ErrorEquals", "Next", "ResultPath", "Comment"]
        return items.enumerated().map { index, item in
            let itemField = "\(field)[\(index)]"
            var catcher = Catcher(errorEquals: [], next: "")
            guard let members = item.object else {
                report(itemField, "\(who): Catch[\(index)] must be an object with ErrorEquals and Next (got \(item.kind))")
                return catcher
            }
            for key in document.order(of: itemField, members: members) where !allowed.contains(key) {
                report(Self.join(itemField, key), "\(who): Field \(key) is not supported in a catcher; it takes \(allowed.sorted().joined(separator: ", "))")
            }
            catcher.errorEquals = errorEquals(members, at: itemField, who: who, rule: "Catch", index: index, count: items.count)
            switch members["Next"] {
            case .string(let target)? where !target.isEmpty:
                catcher.next = target
                graph.edges[name, default: []].append(MachineGraph.Edge(target: target, field: Self.join(itemField, "Next"), label: "Catch[\(index)].Next", who: who))
            case nil:
                report(itemField, "\(who): Catch[\(index)] has no Next: add \"Next\" naming the state that handles the error")
            case let other?:
                report(Self.join(itemField, "Next"), "\(who): Catch[\(index)].Next must be the name of a state (got \(other.kind))")
            }
            catcher.resultPath = pathField(members, "ResultPath", at: itemField, who: who, reference: true)
            return catcher
        }
    }

    /// `ErrorEquals` of a retrier or catcher: error names, with `States.ALL` alone and in the last rule.
    mutating func errorEquals(_ members: [String: JSONValue], at field: String, who: String, rule: String, index: Int, count: Int) -> [String] {
        let errorsField = Self.join(field, "ErrorEquals")
        guard let value = members["ErrorEquals"] else {
            report(field, "\(who): \(rule)[\(index)] has no ErrorEquals: add the error names it handles, as [\"States.TaskFailed\"] or [\"States.ALL\"]")
            return []
        }
        guard let items = value.array, !items.isEmpty, items.allSatisfy({ !($0.string ?? "").isEmpty }) else {
            report(errorsField, "\(who): \(rule)[\(index)].ErrorEquals must be a non-empty list of error names (got \(value.document))")
            return []
        }
        let names = items.compactMap(\.string)
        if names.contains(StatesError.all) {
            if names.count > 1 {
                report(errorsField, "\(who): \(rule)[\(index)].ErrorEquals has States.ALL with other errors: States.ALL must be alone")
            }
            if index != count - 1 {
                report(errorsField, "\(who): \(rule)[\(index)] matches States.ALL but is not the last of \(rule): move it to the end")
            }
        }
        return names
    }

    // MARK: Values

    /// `InputPath`, `OutputPath`, `ResultPath` or `ItemsPath`: left out is `$`, `null` is ``PathField/null``.
    mutating func pathField(_ members: [String: JSONValue], _ key: String, at field: String, who: String, reference: Bool) -> PathField {
        guard let value = members[key] else { return .whole }
        let valueField = Self.join(field, key)
        switch value {
        case .null:
            return .null
        case .string(let text):
            if let problem = JSONPath.problem(in: text, reference: reference) {
                report(valueField, "\(who): \(key) \(text) is not a valid \(reference ? "reference path" : "path"): \(problem)")
            } else if key == "ResultPath", text.hasPrefix("$$") {
                report(valueField, "\(who): ResultPath cannot write into the context object ($$): use a path under $")
            }
            return .path(text)
        default:
            report(valueField, "\(who): \(key) must be a path, as $.detail, or null (got \(value.kind))")
            return .whole
        }
    }

    /// A `…Path` field holding a reference path (nil when left out).
    mutating func referencePath(_ members: [String: JSONValue], _ key: String, at field: String, who: String) -> String? {
        guard let value = members[key] else { return nil }
        let valueField = Self.join(field, key)
        guard let text = value.string else {
            report(valueField, "\(who): \(key) must be a reference path, as $.seconds (got \(value.kind))")
            return nil
        }
        if let problem = JSONPath.problem(in: text, reference: true) {
            report(valueField, "\(who): \(key) \(text) is not a valid reference path: \(problem)")
        }
        return text
    }

    /// `Parameters`, `ResultSelector` or `ItemSelector`: an object whose `.$` keys the data language checks.
    mutating func template(_ members: [String: JSONValue], _ key: String, at field: String, who: String) -> JSONValue? {
        guard let value = members[key] else { return nil }
        let valueField = Self.join(field, key)
        guard case .object = value else {
            report(valueField, "\(who): \(key) must be an object (got \(value.kind))")
            return nil
        }
        for problem in PayloadTemplate.problems(in: value, field: valueField) {
            let problemField = problem.field.hasPrefix(valueField) ? problem.field : Self.join(valueField, problem.field)
            report(problemField, "\(who): \(problem.message)")
        }
        return value
    }

    mutating func integer(_ value: JSONValue, at field: String, who: String, name: String, range: ClosedRange<Int>) -> Int? {
        var whole: Int?
        switch value {
        case .integer(let number): whole = number
        case .number(let number) where number.rounded() == number && abs(number) < 1e15: whole = Int(number)
        default: break
        }
        guard let whole, range.contains(whole) else {
            let bounds = range.upperBound == Int.max ? "\(range.lowerBound) or more" : "from \(range.lowerBound) to \(range.upperBound)"
            report(field, "\(who): \(name) must be a whole number \(bounds) (got \(value.document))")
            return nil
        }
        return whole
    }

    mutating func string(_ value: JSONValue, at field: String, who: String, name: String) -> String? {
        guard let text = value.string else {
            report(field, "\(who): \(name) must be text (got \(value.kind))")
            return nil
        }
        return text
    }
}
