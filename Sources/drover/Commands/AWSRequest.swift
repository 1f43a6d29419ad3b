import DroverAPI
import DroverCore

/// A request of one of AWS Batch's operations built from the AWS CLI's options, as `aws batch` builds it:
/// `--cli-input-json`'s members first, then each option's value over them, read as shorthand or JSON (`file://PATH`
/// for a value kept in a file) and typed by its member's shape in AWS's model.
struct AWSRequest {
    /// The operation, as AWS names it (`UpdateJobQueue`).
    let operation: String
    /// The request's shape: a structure.
    let shape: MemberShape
    /// The members so far.
    var members: [String: JSONValue]

    /// A request of `operation` whose shape is `shape`, starting from `--cli-input-json`'s members (none without it),
    /// which are checked against it: unknown members and values of the wrong type are refused, naming them.
    init(_ operation: String, shape: MemberShape, cliInputJSON: String?) throws(DroverError) {
        self.operation = operation
        self.shape = shape
        members = [:]
        guard let cliInputJSON else { return }
        do throws(DroverError) {
            let value = try JSONValue(parsing: try ParamFile.contents(cliInputJSON))
            guard case .object(let given) = value else { throw DroverError("expected a JSON object (a \(operation) request), got \(value.kind)") }
            // Required members may come from the options instead: the operation itself asks for them.
            if case .structure(let shapes, _) = shape { try MemberShape.structure(shapes).check(value, path: "") }
            members = given
        } catch {
            throw DroverError("--cli-input-json: \(error.message)")
        }
    }

    /// A request of an operation whose request the API checks against AWS's model (`UpdateJobQueue`), with that shape.
    init(_ operation: String, cliInputJSON: String?) throws(DroverError) {
        guard let shape = BatchService.requestShape(of: operation) else {
            throw DroverError("\(operation) has no request shape in AWS's model as Drover holds it", exitCode: 1)
        }
        try self.init(operation, shape: shape, cliInputJSON: cliInputJSON)
    }

    /// The request as JSON.
    var request: JSONValue { .object(members) }

    /// `flag`'s value (shorthand, JSON or `file://`) typed by the shape of `member`; nil when the option is not given.
    func read(_ text: String?, _ flag: String, member: String) throws(DroverError) -> JSONValue? {
        guard let text else { return nil }
        do throws(DroverError) {
            return try memberShape(member).read(try ParamFile.contents(text))
        } catch {
            throw DroverError("\(flag): \(error.message)")
        }
    }

    /// The values of a list option given as the AWS CLI takes them, one element a value (`order=1,computeEnvironment=a
    /// order=2,computeEnvironment=b`) or JSON lists, joined in order; nil when none is given.
    func readList(_ values: [String], _ flag: String, member: String) throws(DroverError) -> JSONValue? {
        guard !values.isEmpty else { return nil }
        var items: [JSONValue] = []
        for text in values {
            items += try read(text, flag, member: member)?.array ?? []
        }
        return .array(items)
    }

    /// Sets `member` to `value` when the option gave one.
    mutating func set(_ member: String, _ value: JSONValue?) {
        if let value { members[member] = value }
    }

    /// Sets the member that names the resource acted on from the command's argument or its AWS option, or keeps
    /// `--cli-input-json`'s; a request that names none is refused, saying how to name it.
    mutating func name(_ member: String, argument: String?, option: String?, flag: String, label: String) throws(DroverError) {
        set(member, try Self.target(argument, option, flag: flag, label: label).map(JSONValue.string))
        guard case .string(let name)? = members[member], !name.isEmpty else {
            throw Self.missing(label, flag: flag, orInput: member)
        }
    }

    /// The resource a command acts on, given as its argument or with its AWS option (`--job-queue`): both may be
    /// given only when they agree; nil when neither is.
    static func target(_ argument: String?, _ option: String?, flag: String, label: String) throws(DroverError) -> String? {
        if let argument, let option, argument != option {
            throw DroverError("two \(label)s given: '\(argument)' and \(flag) '\(option)'; give one")
        }
        return argument ?? option
    }

    /// The refusal of a command that names no resource.
    static func missing(_ label: String, flag: String, orInput member: String? = nil) -> DroverError {
        DroverError("give the \(label): its name or ARN as an argument, or \(flag)" + (member.map { ", or \($0) in --cli-input-json" } ?? ""))
    }

    /// The shape of one member (`.unsupported` for a name the operation does not have).
    func memberShape(_ member: String) -> MemberShape {
        guard case .structure(let shapes, _) = shape, let found = shapes[member] else { return .unsupported }
        return found
    }
}
