/// What an execution's context object (`$$`) tells about it, and what its tasks need to know.
public struct ExecutionInfo: Sendable, Equatable {
    /// The execution's ARN (`$$.Execution.Id`).
    public var arn: String
    /// Its name.
    public var name: String
    /// Its input.
    public var input: JSONValue
    /// When it started, epoch milliseconds.
    public var startedAt: EpochMillis
    /// The state machine's ARN and name.
    public var machineArn: String
    public var machineName: String
    /// The role it runs as (kept, not used).
    public var roleArn: String
    /// The region written in task events.
    public var region: String

    public init(arn: String, name: String, input: JSONValue, startedAt: EpochMillis, machineArn: String, machineName: String,
                roleArn: String, region: String) {
        self.arn = arn
        self.name = name
        self.input = input
        self.startedAt = startedAt
        self.machineArn = machineArn
        self.machineName = machineName
        self.roleArn = roleArn
        self.region = region
    }

    /// The context object of a thread at `state`, entered at `enteredAt`, retried `retryCount` times; `item` adds
    /// `Map.Item` (only while a `Map` builds its items' inputs).
    public func context(state: String, enteredAt: EpochMillis, retryCount: Int, item: (index: Int, value: JSONValue)? = nil) -> JSONValue {
        var context: JSONValue = [
            "Execution": ["Id": .string(arn), "Name": .string(name), "Input": input, "StartTime": .string(Timestamp.text(startedAt)),
                          "RoleArn": .string(roleArn)],
            "State": ["Name": .string(state), "EnteredTime": .string(Timestamp.text(enteredAt)), "RetryCount": .integer(retryCount)],
            "StateMachine": ["Id": .string(machineArn), "Name": .string(machineName)],
        ]
        if let item {
            context["Map"] = ["Item": ["Index": .integer(item.index), "Value": item.value]]
        }
        return context
    }
}
