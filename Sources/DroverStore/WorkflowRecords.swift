import DroverCore

/// An execution's status, as Step Functions names it.
public enum ExecutionStatus: String, Sendable, Codable, CaseIterable {
    case running = "RUNNING"
    case succeeded = "SUCCEEDED"
    case failed = "FAILED"
    case timedOut = "TIMED_OUT"
    case aborted = "ABORTED"

    /// True once the execution has ended.
    public var isTerminal: Bool { self != .running }
}

/// A state machine kept in the store.
public struct StateMachineRecord: Sendable, Equatable {
    public var name: String
    /// The definition's text, as given.
    public var definition: String
    public var roleArn: String
    public var createdAt: EpochMillis
    public var updatedAt: EpochMillis
}

/// An execution of a state machine.
public struct ExecutionRecord: Sendable, Equatable {
    /// Its number in the store.
    public var number: Int64
    public var arn: String
    public var name: String
    /// The state machine's name and ARN.
    public var machine: String
    public var machineArn: String
    public var region: String
    public var account: String
    public var roleArn: String
    /// The definition it runs (as it was when it started).
    public var definition: String
    public var input: JSONValue
    public var status: ExecutionStatus
    public var output: JSONValue?
    public var error: String?
    public var cause: String?
    public var startedAt: EpochMillis
    public var stoppedAt: EpochMillis?

    /// What its context object and tasks need.
    public var info: ExecutionInfo {
        ExecutionInfo(arn: arn, name: name, input: input, startedAt: startedAt, machineArn: machineArn, machineName: machine,
                      roleArn: roleArn, region: region)
    }
}

/// One event of an execution's history.
public struct HistoryRecord: Sendable, Equatable {
    public var id: Int
    public var previous: Int
    /// Epoch milliseconds.
    public var time: EpochMillis
    public var type: String
    /// The details (the member ``DroverCore/HistoryEvent/detailsMember(of:)`` names), nil for events without any.
    public var details: JSONValue?
}

/// Where a new execution comes from.
public struct ExecutionStart: Sendable {
    public var machine: String
    public var name: String
    public var input: JSONValue
    /// The definition's text, and its `TimeoutSeconds`.
    public var definition: String
    public var timeoutSeconds: Int?
    public var region: String
    public var account: String
    public var roleArn: String

    public init(machine: String, name: String, input: JSONValue, definition: String, timeoutSeconds: Int?, region: String,
                account: String, roleArn: String) {
        self.machine = machine
        self.name = name
        self.input = input
        self.definition = definition
        self.timeoutSeconds = timeoutSeconds
        self.region = region
        self.account = account
        self.roleArn = roleArn
    }

    /// `arn:aws:states:REGION:ACCOUNT:stateMachine:NAME`.
    public var machineArn: String { "arn:aws:states:\(region):\(account):stateMachine:\(machine)" }
    /// `arn:aws:states:REGION:ACCOUNT:execution:MACHINE:NAME`.
    public var arn: String { "arn:aws:states:\(region):\(account):execution:\(machine):\(name)" }
}
