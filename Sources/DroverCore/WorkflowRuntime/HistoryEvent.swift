/// An event of an execution's history, as Step Functions' `GetExecutionHistory` lists it: `TaskStateEntered`,
/// `TaskSubmitted`, `MapIterationStarted`, `ExecutionFailed`... with the details member of its type.
public struct HistoryEvent: Sendable, Equatable {
    /// The event's type.
    public var type: String
    /// The details, without their member name (``detailsMember`` gives it).
    public var details: JSONValue
    /// The event this one follows when it is not the thread's last one (a `MapIterationSucceeded` follows the
    /// iteration's last event).
    public var previous: Int?

    public init(_ type: String, _ details: JSONValue, previous: Int? = nil) {
        self.type = type
        self.details = details
        self.previous = previous
    }

    /// The member of `HistoryEvent` holding the details of an event of `type`: `TaskStateEntered` →
    /// `stateEnteredEventDetails`, `TaskSubmitted` → `taskSubmittedEventDetails`, `MapIterationStarted` →
    /// `mapIterationStartedEventDetails`.
    public static func detailsMember(of type: String) -> String? {
        let stateTypes = ["Task", "Pass", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map"]
        for kind in stateTypes {
            if type == kind + "StateEntered" { return "stateEnteredEventDetails" }
            if type == kind + "StateExited" { return "stateExitedEventDetails" }
        }
        // The Parallel state's own steps and the Map's ends carry no details.
        if type.hasPrefix("ParallelState") || ["MapStateSucceeded", "MapStateFailed", "MapStateAborted"].contains(type) { return nil }
        return type.prefix(1).lowercased() + type.dropFirst() + "EventDetails"
    }

    // MARK: - The events a workflow records

    static func entered(_ state: WorkflowState, input: JSONValue) -> HistoryEvent {
        HistoryEvent(state.typeName + "StateEntered", .object(["name": .string(state.name), "input": .string(input.document),
                                                               "inputDetails": ["truncated": false]]))
    }

    static func exited(_ state: WorkflowState, output: JSONValue) -> HistoryEvent {
        HistoryEvent(state.typeName + "StateExited", .object(["name": .string(state.name), "output": .string(output.document),
                                                              "outputDetails": ["truncated": false]]))
    }

    static func task(_ type: String, _ task: TaskSpec, _ members: [String: JSONValue] = [:]) -> HistoryEvent {
        var details = members
        details["resourceType"] = "batch"
        details["resource"] = .string(task.integration.rawValue)
        return HistoryEvent(type, .object(details))
    }

    static func failure(_ type: String, _ error: StatesError) -> HistoryEvent {
        HistoryEvent(type, .object(["error": .string(error.error), "cause": .string(error.cause)]))
    }

    static func iteration(_ type: String, state: String, index: Int, previous: Int? = nil) -> HistoryEvent {
        HistoryEvent(type, .object(["name": .string(state), "index": .integer(index)]), previous: previous)
    }
}
