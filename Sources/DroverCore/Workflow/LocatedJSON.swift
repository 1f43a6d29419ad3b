import Foundation
import Yams

/// A JSON (or YAML) document read with Yams as a ``JSONValue``, with the line of each field and the order in which
/// each object lists its members (``JSONValue`` objects have none).
///
/// Field paths are written as in messages: `States.Process.Branches[0].StartAt`; the root is the empty path.
struct LocatedJSON {
    /// The document.
    var value: JSONValue
    /// The 1-based line of each field path.
    var lines: [String: Int] = [:]
    /// Each object's member names, in the order written, by the object's field path.
    var orders: [String: [String]] = [:]
    /// Problems found while converting (a member given twice, a number no JSON holds), by field path.
    var problems: [(field: String, message: String)] = []

    /// Reads `text` (the file `path`); nil when it is malformed or empty, with the issue (line and column) added to
    /// `issues`. Throws when its YAML aliases expand too far (``YAMLExpansion``).
    static func read(text: String, path: String, issues: inout [ValidationIssue]) throws(DroverError) -> LocatedJSON? {
        try YAMLExpansion.check(text, path: path)
        let root: Node?
        do {
            root = try compose(yaml: text)
        } catch let error as YamlError {
            var line = 0
            var message = "malformed JSON/YAML: \(error)"
            switch error {
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
                line = mark.line
                message = "malformed JSON/YAML at line \(mark.line), column \(mark.column): \(problem); fix the syntax there"
            default:
                break
            }
            issues.append(ValidationIssue(location: "\(path):\(line)", field: "", message: message))
            return nil
        } catch {
            issues.append(ValidationIssue(location: "\(path):0", field: "", message: "cannot read the definition: \(error)"))
            return nil
        }
        guard let root else {
            issues.append(ValidationIssue(location: "\(path):1", field: "", message: "the file is empty: write a state machine with StartAt and States"))
            return nil
        }
        var document = LocatedJSON(value: .null)
        document.value = document.convert(root, field: "")
        return document
    }

    /// The line of `field`, or of its nearest enclosing field that has one (the document's first line at worst).
    func line(of field: String) -> Int {
        Self.line(of: field, in: lines)
    }

    /// The line `lines` gives `field`, or its nearest enclosing field (the document's first line at worst).
    static func line(of field: String, in lines: [String: Int]) -> Int {
        var current = field
        while !current.isEmpty {
            if let line = lines[current] { return line }
            guard let cut = current.lastIndex(where: { $0 == "." || $0 == "[" }) else { break }
            current = String(current[..<cut])
        }
        return lines[""] ?? 1
    }

    /// The member names of the object at `field`, in the order written (`members` sorted when unknown).
    func order(of field: String, members: [String: JSONValue]) -> [String] {
        orders[field] ?? members.keys.sorted()
    }

    /// `base.key`, or `key` at the root.
    static func join(_ base: String, _ key: String) -> String {
        base.isEmpty ? key : "\(base).\(key)"
    }

    private mutating func convert(_ node: Node, field: String) -> JSONValue {
        if let line = node.mark?.line { lines[field] = line }
        switch node {
        case .mapping(let mapping):
            var members: [String: JSONValue] = [:]
            var names: [String] = []
            for (key, value) in mapping {
                let name = key.string ?? ""
                let path = Self.join(field, name)
                if members[name] != nil {
                    problems.append((path, "Field \(name) is given twice: keep one"))
                    continue
                }
                names.append(name)
                members[name] = convert(value, field: path)
                if let line = key.mark?.line { lines[path] = line }
            }
            orders[field] = names
            return .object(members)
        case .sequence(let sequence):
            return .array(sequence.enumerated().map { convert($0.element, field: "\(field)[\($0.offset)]") })
        case .scalar(let scalar):
            if scalar.style != .plain { return .string(scalar.string) }
            switch node.tag.description {
            case Tag.Name.int.rawValue:
                return node.int.map(JSONValue.integer) ?? .string(scalar.string)
            case Tag.Name.float.rawValue:
                guard let number = node.float, number.isFinite else {
                    problems.append((field, "must be a finite number (got \(scalar.string))"))
                    return .string(scalar.string)
                }
                return .number(number)
            case Tag.Name.bool.rawValue:
                return node.bool.map(JSONValue.bool) ?? .string(scalar.string)
            case Tag.Name.null.rawValue:
                return .null
            default:
                return .string(scalar.string)
            }
        case .alias:
            return .null
        }
    }
}
