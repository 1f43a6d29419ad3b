/// The ARN of a Step Functions resource this server keeps: a state machine
/// (`arn:aws:states:REGION:ACCOUNT:stateMachine:NAME`) or an execution
/// (`arn:aws:states:REGION:ACCOUNT:execution:MACHINE:NAME`).
struct StatesARN: Equatable, Sendable {
    /// What an ARN names.
    enum Resource: Equatable, Sendable {
        case stateMachine(name: String)
        case execution(machine: String, name: String)
    }

    var partition: String
    var region: String
    var account: String
    var resource: Resource

    /// Reads `text`; nil unless it is the ARN of a state machine or an execution.
    init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 7, parts[0] == "arn", parts[2] == "states", !parts[1].isEmpty, !parts[3].isEmpty, !parts[4].isEmpty else {
            return nil
        }
        partition = parts[1]
        region = parts[3]
        account = parts[4]
        switch (parts[5], parts.count) {
        case ("stateMachine", 7) where !parts[6].isEmpty:
            resource = .stateMachine(name: parts[6])
        case ("execution", 8) where !parts[6].isEmpty && !parts[7].isEmpty:
            resource = .execution(machine: parts[6], name: parts[7])
        default:
            return nil
        }
    }

    /// The ARN of the state machine `name` in `arns`' region and account.
    static func stateMachine(_ name: String, _ arns: ARNBuilder) -> String {
        "arn:aws:states:\(arns.region):\(arns.account):stateMachine:\(name)"
    }

    /// Whether the ARN is of this server's partition, region and account (one of another names nothing here).
    func isOwn(_ arns: ARNBuilder) -> Bool {
        partition == "aws" && region == arns.region && account == arns.account
    }
}
