/// A state machine in Amazon States Language: the whole definition, a `Parallel` branch, or a `Map`'s item processor.
public struct StateMachine: Sendable, Equatable {
    /// The state that runs first.
    public var startAt: String
    /// The states by name.
    public var states: [String: WorkflowState]
    /// The state names in the order the definition lists them.
    public var order: [String]
    /// Seconds the whole execution may run (top level only) before it fails with `States.Timeout`.
    public var timeoutSeconds: Int?
    /// The definition's `Comment`.
    public var comment: String?

    /// Creates a machine.
    public init(startAt: String, states: [String: WorkflowState], order: [String], timeoutSeconds: Int? = nil, comment: String? = nil) {
        self.startAt = startAt
        self.states = states
        self.order = order
        self.timeoutSeconds = timeoutSeconds
        self.comment = comment
    }

    /// The machine a ``MachinePath`` names inside this one (nil when it names none).
    public func machine(at path: MachinePath) -> StateMachine? {
        var current = self
        for step in path.steps {
            guard let state = current.states[step.state] else { return nil }
            switch state.kind {
            case .parallel(let branches) where branches.indices.contains(step.branch):
                current = branches[step.branch]
            case .map(let map) where step.branch == 0:
                current = map.processor
            default:
                return nil
            }
        }
        return current
    }
}

/// Where a nested machine is inside a definition: the `Parallel` or `Map` states leading to it, each with the branch
/// taken (0 for a `Map`'s processor). Written `Outer/1/Inner/0`; the top level is empty.
public struct MachinePath: Sendable, Hashable, Codable, CustomStringConvertible {
    /// One step down: a state of the enclosing machine and its branch.
    public struct Step: Sendable, Hashable, Codable {
        public var state: String
        public var branch: Int

        public init(state: String, branch: Int) {
            self.state = state
            self.branch = branch
        }
    }

    public var steps: [Step]

    /// The top level.
    public static let top = MachinePath(steps: [])

    public init(steps: [Step]) {
        self.steps = steps
    }

    /// This path one step further down.
    public func appending(state: String, branch: Int) -> MachinePath {
        MachinePath(steps: steps + [Step(state: state, branch: branch)])
    }

    public var description: String {
        steps.map { "\($0.state)/\($0.branch)" }.joined(separator: "/")
    }
}

/// One state of a machine.
public struct WorkflowState: Sendable, Equatable {
    /// What the state does, with the fields of its type.
    public enum Kind: Sendable, Equatable {
        /// `Pass`: its `Result` (nil: the input) is the result.
        case pass(result: JSONValue?)
        /// `Task`.
        case task(TaskSpec)
        /// `Choice`: the first rule that matches names the next state, else `Default`.
        case choice(choices: [ChoiceBranch], defaultState: String?)
        /// `Wait`.
        case wait(WaitSpec)
        /// `Succeed`.
        case succeed
        /// `Fail`.
        case fail(FailSpec)
        /// `Parallel`: the branches, all run on the same input.
        case parallel(branches: [StateMachine])
        /// `Map`.
        case map(MapSpec)
    }

    /// Where a state goes when it is done.
    public enum Transition: Sendable, Equatable {
        /// `Next`.
        case next(String)
        /// `End: true`.
        case end
        /// `Choice`, `Succeed` and `Fail` have neither.
        case none
    }

    /// The state's name.
    public var name: String
    /// The state's type and fields.
    public var kind: Kind
    /// `Next` or `End`.
    public var transition: Transition
    /// `InputPath` (default `$`).
    public var inputPath: PathField
    /// `OutputPath` (default `$`).
    public var outputPath: PathField
    /// `ResultPath` (default `$`).
    public var resultPath: PathField
    /// `Parameters`: a payload template (`.$` keys take paths and intrinsic functions).
    public var parameters: JSONValue?
    /// `ResultSelector`: a payload template applied to a task's, `Parallel`'s or `Map`'s result.
    public var resultSelector: JSONValue?
    /// `Retry`, tried in order.
    public var retry: [Retrier]
    /// `Catch`, tried in order once retries are spent.
    public var catchers: [Catcher]

    /// Creates a state.
    public init(name: String, kind: Kind, transition: Transition, inputPath: PathField = .whole, outputPath: PathField = .whole,
                resultPath: PathField = .whole, parameters: JSONValue? = nil, resultSelector: JSONValue? = nil,
                retry: [Retrier] = [], catchers: [Catcher] = []) {
        self.name = name
        self.kind = kind
        self.transition = transition
        self.inputPath = inputPath
        self.outputPath = outputPath
        self.resultPath = resultPath
        self.parameters = parameters
        self.resultSelector = resultSelector
        self.retry = retry
        self.catchers = catchers
    }

    /// The type's name as the definition writes it (`Task`, `Map`...).
    public var typeName: String {
        switch kind {
        case .pass: "Pass"
        case .task: "Task"
        case .choice: "Choice"
        case .wait: "Wait"
        case .succeed: "Succeed"
        case .fail: "Fail"
        case .parallel: "Parallel"
        case .map: "Map"
        }
    }
}

/// A `Task` state's resource and limits.
public struct TaskSpec: Sendable, Equatable {
    /// What a task's resource asks Drover to do.
    public enum Integration: String, Sendable, Equatable, Codable {
        /// `arn:aws:states:::batch:submitJob`: submit the job and go on with the `SubmitJob` response.
        case submitJob
        /// `arn:aws:states:::batch:submitJob.sync`: submit the job and wait for it to end; the job's `DescribeJobs`
        /// record is the result.
        case submitJobSync = "submitJob.sync"
    }

    /// The `Resource` ARN as written.
    public var resource: String
    /// What the resource asks for.
    public var integration: Integration
    /// `TimeoutSeconds` (nil: none; Step Functions' default is the execution's limit).
    public var timeoutSeconds: Int?
    /// `TimeoutSecondsPath`: a reference path to the timeout in the state's input.
    public var timeoutSecondsPath: String?
    /// `HeartbeatSeconds`: the longest the job may go without changing state (or, for an array, a child ending).
    public var heartbeatSeconds: Int?
    /// `HeartbeatSecondsPath`.
    public var heartbeatSecondsPath: String?

    /// Creates a task.
    public init(resource: String, integration: Integration, timeoutSeconds: Int? = nil, timeoutSecondsPath: String? = nil,
                heartbeatSeconds: Int? = nil, heartbeatSecondsPath: String? = nil) {
        self.resource = resource
        self.integration = integration
        self.timeoutSeconds = timeoutSeconds
        self.timeoutSecondsPath = timeoutSecondsPath
        self.heartbeatSeconds = heartbeatSeconds
        self.heartbeatSecondsPath = heartbeatSecondsPath
    }
}

/// How long a `Wait` state waits: exactly one of its four fields.
public enum WaitSpec: Sendable, Equatable {
    /// `Seconds`.
    case seconds(Int)
    /// `Timestamp` (RFC 3339, as `2026-12-01T05:00:00Z`).
    case timestamp(String)
    /// `SecondsPath`: a reference path to a number of seconds in the input.
    case secondsPath(String)
    /// `TimestampPath`.
    case timestampPath(String)
}

/// A `Fail` state's error and cause, given or taken from the input.
public struct FailSpec: Sendable, Equatable {
    public var error: String?
    public var cause: String?
    /// `ErrorPath`: a reference path or an intrinsic function.
    public var errorPath: String?
    /// `CausePath`.
    public var causePath: String?

    public init(error: String? = nil, cause: String? = nil, errorPath: String? = nil, causePath: String? = nil) {
        self.error = error
        self.cause = cause
        self.errorPath = errorPath
        self.causePath = causePath
    }
}

/// A `Map` state's items and how they are processed (inline mode).
public struct MapSpec: Sendable, Equatable {
    /// `ItemProcessor` (or the older `Iterator`): runs once per item.
    public var processor: StateMachine
    /// `ItemsPath` (default `$`): where the array of items is in the effective input.
    public var itemsPath: PathField
    /// `ItemSelector` (or the older `Parameters` of a `Map`): each item's input, a payload template over the
    /// effective input with `$$.Map.Item.Index` and `$$.Map.Item.Value` in the context.
    public var itemSelector: JSONValue?
    /// `MaxConcurrency`: how many items run at once; 0 is no limit.
    public var maxConcurrency: Int
    /// `MaxConcurrencyPath`.
    public var maxConcurrencyPath: String?

    public init(processor: StateMachine, itemsPath: PathField = .whole, itemSelector: JSONValue? = nil, maxConcurrency: Int = 0,
                maxConcurrencyPath: String? = nil) {
        self.processor = processor
        self.itemsPath = itemsPath
        self.itemSelector = itemSelector
        self.maxConcurrency = maxConcurrency
        self.maxConcurrencyPath = maxConcurrencyPath
    }
}

/// One rule of a `Choice` state and the state it leads to.
public struct ChoiceBranch: Sendable, Equatable {
    public var rule: ChoiceRule
    public var next: String

    public init(rule: ChoiceRule, next: String) {
        self.rule = rule
        self.next = next
    }
}

/// A `Choice` rule: a comparison of the input's `Variable`, or `And`, `Or`, `Not` of rules.
public indirect enum ChoiceRule: Sendable, Equatable {
    case and([ChoiceRule])
    case or([ChoiceRule])
    case not(ChoiceRule)
    /// `Variable` (a path into the input) compared by `comparator` (`StringEquals`, `NumericLessThanPath`,
    /// `IsPresent`, `StringMatches`...: the field's name as written) with `operand`. A comparator ending in `Path`
    /// takes its operand from the input: `operand` is then the path as a string.
    case test(variable: String, comparator: String, operand: JSONValue)
}

/// One `Retry` rule.
public struct Retrier: Sendable, Equatable {
    /// `JitterStrategy`.
    public enum Jitter: String, Sendable, Equatable {
        case none = "NONE"
        /// Each delay is drawn uniformly between 0 and the computed interval.
        case full = "FULL"
    }

    /// `ErrorEquals`: the errors this rule retries.
    public var errorEquals: [String]
    /// `IntervalSeconds` (default 1): the delay before the first retry.
    public var intervalSeconds: Int
    /// `MaxAttempts` (default 3): retries, not counting the first try; 0 never retries.
    public var maxAttempts: Int
    /// `BackoffRate` (default 2.0): each delay is the previous one times this.
    public var backoffRate: Double
    /// `MaxDelaySeconds`: the longest delay.
    public var maxDelaySeconds: Int?
    /// `JitterStrategy` (default NONE).
    public var jitter: Jitter

    public init(errorEquals: [String], intervalSeconds: Int = 1, maxAttempts: Int = 3, backoffRate: Double = 2.0,
                maxDelaySeconds: Int? = nil, jitter: Jitter = .none) {
        self.errorEquals = errorEquals
        self.intervalSeconds = intervalSeconds
        self.maxAttempts = maxAttempts
        self.backoffRate = backoffRate
        self.maxDelaySeconds = maxDelaySeconds
        self.jitter = jitter
    }
}

/// One `Catch` rule.
public struct Catcher: Sendable, Equatable {
    /// `ErrorEquals`: the errors this rule catches.
    public var errorEquals: [String]
    /// `Next`: where the execution goes with the error.
    public var next: String
    /// `ResultPath` (default `$`): where the error (`{"Error": ..., "Cause": ...}`) goes in the state's input.
    public var resultPath: PathField

    public init(errorEquals: [String], next: String, resultPath: PathField = .whole) {
        self.errorEquals = errorEquals
        self.next = next
        self.resultPath = resultPath
    }
}
