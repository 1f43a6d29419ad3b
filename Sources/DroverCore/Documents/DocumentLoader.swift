import Foundation
import Yams

/// Reads job files (YAML or JSON) into ``ResourceFile`` values, reporting every problem with its
/// file, line and field.
public enum DocumentLoader {
    static let sections = ["computeEnvironments", "jobQueues", "jobDefinitions", "jobs", "simulation"]

    /// The member that tells what a single object is, first match first: a whole resource (the section it belongs
    /// to), a job, or a partial update of a stored queue or environment (the ``ResourceUpdate/Kind``), which a
    /// SubmitJob request's `jobQueue` does not make it since its `jobName` comes first.
    static let nameFields: [(field: String, kind: String)] = [
        ("computeEnvironmentName", "computeEnvironments"), ("jobQueueName", "jobQueues"), ("jobDefinitionName", "jobDefinitions"),
        ("jobName", "jobs"), (ResourceUpdate.Kind.jobQueue.rawValue, ResourceUpdate.Kind.jobQueue.rawValue),
        (ResourceUpdate.Kind.computeEnvironment.rawValue, ResourceUpdate.Kind.computeEnvironment.rawValue),
    ]

    /// The section whose resources an update of `kind` changes.
    static func sectionOf(_ kind: ResourceUpdate.Kind) -> String {
        switch kind {
        case .jobQueue: "jobQueues"
        case .computeEnvironment: "computeEnvironments"
        }
    }

    /// Reads and decodes the file at `path`, then validates what it declares.
    public static func load(path: String) throws(DroverError) -> ResourceFile {
        try parse(text: try read(path: path), path: path)
    }

    /// The text of the file at `path` (what ``load(path:)`` decodes).
    public static func read(path: String) throws(DroverError) -> String {
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw DroverError("\(path): cannot read the file (\(error.localizedDescription))")
        }
    }

    /// Decodes `text` as the content of the file `path`, then validates it.
    ///
    /// Text whose YAML aliases expand past ``YAMLExpansion/maxAliasNodes`` nodes, or that nests deeper
    /// than ``YAMLExpansion/maxDepth``, is refused before anything is built from it.
    public static func parse(text: String, path: String) throws(DroverError) -> ResourceFile {
        try YAMLExpansion.check(text, path: path)
        var file = ResourceFile(path: path)
        var issues: [ValidationIssue] = []
        var jobFields: [String] = []
        var roots: [Node] = []
        do {
            var documents = try compose_all(yaml: text)
            while let node = documents.next() { roots.append(node) }
            if let error = documents.error { throw error }
        } catch let error as YamlError {
            throw DroverError("\(path): \(describe(error))")
        } catch {
            throw DroverError("\(path): \(error)")
        }
        if roots.isEmpty { throw DroverError("\(path): the file is empty: it declares nothing") }
        for root in roots {
            var tree = NodeTree(path: path)
            switch root {
            case .mapping(let mapping) where mapping.keys.contains(where: { sections.contains($0.string ?? "") }):
                for (key, value) in mapping {
                    let name = key.string ?? ""
                    guard sections.contains(name) else {
                        issues.append(tree.issue(key, field: name, "unknown section; expected one of \(sections.joined(separator: ", "))"))
                        continue
                    }
                    if name == "simulation" {
                        decodeSimulation(value, tree: &tree, into: &file, issues: &issues)
                        continue
                    }
                    guard case .sequence(let items) = value else {
                        issues.append(tree.issue(value, field: name, "must be a list"))
                        continue
                    }
                    for (index, item) in items.enumerated() {
                        decodeObject(item, field: "\(name)[\(index)]", section: name, tree: &tree, into: &file, jobFields: &jobFields, issues: &issues)
                    }
                }
            case .sequence(let items):
                for (index, item) in items.enumerated() {
                    decodeObject(item, field: "[\(index)]", section: nil, tree: &tree, into: &file, jobFields: &jobFields, issues: &issues)
                }
            default:
                decodeObject(root, field: "", section: nil, tree: &tree, into: &file, jobFields: &jobFields, issues: &issues)
            }
        }
        if case .failure(let problem) = DependencyOrder.sorted(file.jobs.map(\.value)) {
            let (name, key) = switch problem {
            case .cycle(let names): (names[0], "dependsOn")
            case .duplicateName(let name): (name, "jobName")
            }
            // Reported at the (last) job of that name; `jobFields` runs parallel to `file.jobs`.
            let index = file.jobs.lastIndex { $0.value.jobName == name } ?? 0
            let field = jobFields[index]
            issues.append(ValidationIssue(location: file.jobs[index].location, field: field.isEmpty ? key : "\(field).\(key)", message: problem.message))
        }
        if !issues.isEmpty { throw DroverError.invalid(issues) }
        return file
    }

    /// Decodes one object; the field path of each job read is added to `jobFields`, in the order of `file.jobs`.
    static func decodeObject(
        _ node: Node, field: String, section: String?, tree: inout NodeTree,
        into file: inout ResourceFile, jobFields: inout [String], issues: inout [ValidationIssue]
    ) {
        guard case .mapping(let mapping) = node else {
            issues.append(tree.issue(node, field: field, "expected an object (a mapping of field names to values)"))
            return
        }
        let keys = Set(mapping.keys.compactMap(\.string))
        let named = nameFields.first { keys.contains($0.field) }?.kind
        let kind: String?
        if let section, let update = named.flatMap(ResourceUpdate.Kind.init(rawValue:)), sectionOf(update) == section {
            kind = named  // in a section, an object named as an update (`jobQueue` without `jobQueueName`) is one
        } else {
            kind = section ?? named
        }
        guard let kind else {
            issues.append(tree.issue(node, field: field, "cannot tell what this object is: it has none of \(nameFields.map(\.field).joined(separator: ", "))"))
            return
        }
        tree.lines = [:]
        tree.issues = []
        let object = tree.convert(node, path: field)
        let location = "\(file.path):\(node.mark?.line ?? 0)"
        guard tree.issues.isEmpty else { return issues += tree.issues }
        do {
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            let document = String(decoding: data, as: UTF8.self)
            let decoder = JSONDecoder()
            var problems: [ValidationIssue]
            switch (kind, ResourceUpdate.Kind(rawValue: kind)) {
            case (_, .some(let updateKind)):
                let update = ResourceUpdate(updateKind, request: try decoder.decode(JSONValue.self, from: data))
                problems = update.problems
                // The members' types, reported at their lines; what the stored resource allows is for apply to say.
                let probe = try JSONEncoder().encode(update.probe)
                switch updateKind {
                case .jobQueue: _ = try decoder.decode(JobQueue.self, from: probe)
                case .computeEnvironment: _ = try decoder.decode(ComputeEnvironment.self, from: probe)
                }
                file.updates.append(Located(value: update, location: location, document: document))
            case ("computeEnvironments", _):
                let value = try decoder.decode(ComputeEnvironment.self, from: data)
                problems = Validator.validate(value)
                file.computeEnvironments.append(Located(value: value, location: location, document: document))
            case ("jobQueues", _):
                let value = try decoder.decode(JobQueue.self, from: data)
                problems = Validator.validate(value)
                file.jobQueues.append(Located(value: value, location: location, document: document))
            case ("jobDefinitions", _):
                let value = try decoder.decode(JobDefinition.self, from: data)
                problems = Validator.validate(value)
                file.jobDefinitions.append(Located(value: value, location: location, document: document))
            default:
                let value = try decoder.decode(SubmitJobRequest.self, from: data)
                problems = Validator.validate(value)
                file.jobs.append(Located(value: value, location: location, document: document))
                jobFields.append(field)
            }
            for problem in problems {
                let full = problem.field.isEmpty ? field : (field.isEmpty ? problem.field : "\(field).\(problem.field)")
                let line = tree.line(of: full, fallback: node.mark?.line ?? 0)
                issues.append(ValidationIssue(location: "\(file.path):\(line)", field: full, message: problem.message))
            }
        } catch let error as DecodingError {
            issues.append(tree.issue(for: error, base: field, fallbackLine: node.mark?.line ?? 0))
        } catch {
            issues.append(ValidationIssue(location: location, field: field, message: "\(error)"))
        }
    }

    /// Reads the `simulation` section: seed, timeScale, hostSlots.
    static func decodeSimulation(_ node: Node, tree: inout NodeTree, into file: inout ResourceFile, issues: inout [ValidationIssue]) {
        guard case .mapping(let mapping) = node else {
            issues.append(tree.issue(node, field: "simulation", "must be an object with seed, timeScale and hostSlots"))
            return
        }
        let known = ["seed", "timeScale", "hostSlots"]
        for key in mapping.keys where !known.contains(key.string ?? "") {
            issues.append(tree.issue(key, field: "simulation.\(key.string ?? "")", "unknown field; expected \(known.joined(separator: ", "))"))
        }
        tree.issues = []
        let object = tree.convert(node, path: "simulation")
        guard tree.issues.isEmpty else { return issues += tree.issues }
        do {
            let data = try JSONSerialization.data(withJSONObject: object)
            let value = try JSONDecoder().decode(RunSimulation.self, from: data)
            if let scale = value.timeScale, !(scale > 0 && scale <= 1_000_000) {
                issues.append(tree.issue(node, field: "simulation.timeScale", "must be above 0 and at most 1000000 (got \(scale))"))
            }
            if let slots = value.hostSlots, !(1...4096).contains(slots) {
                issues.append(tree.issue(node, field: "simulation.hostSlots", "must be between 1 and 4096 (got \(slots))"))
            }
            file.simulation = value
        } catch let error as DecodingError {
            issues.append(tree.issue(for: error, base: "simulation", fallbackLine: node.mark?.line ?? 0))
        } catch {
            issues.append(tree.issue(node, field: "simulation", "\(error)"))
        }
    }

    static func describe(_ error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return "line \(mark.line), column \(mark.column): malformed YAML/JSON: \(problem)"
        default:
            return "malformed YAML/JSON: \(error)"
        }
    }
}

/// Converts a YAML node tree to JSON-compatible values and remembers the line of each field path.
struct NodeTree {
    /// Fields that are strings in AWS's model even when YAML reads them as numbers or booleans
    /// (`jobDefinitionName: true`, `onExitCode: 137`).
    static let stringFields: Set<String> = [
        "computeEnvironmentName", "jobQueueName", "jobDefinitionName", "jobName", "jobQueue", "jobDefinition",
        "computeEnvironment", "jobId", "name", "value", "image", "action", "onExitCode", "onReason", "onStatusReason",
    ]
    let path: String
    var lines: [String: Int] = [:]
    /// Values no JSON document can hold (NaN, infinities), found by `convert`.
    var issues: [ValidationIssue] = []

    init(path: String) {
        self.path = path
    }

    mutating func convert(_ node: Node, path field: String) -> Any {
        lines[field] = node.mark?.line
        switch node {
        case .mapping(let mapping):
            var object: [String: Any] = [:]
            for (key, value) in mapping {
                let name = key.string ?? ""
                let path = field.isEmpty ? name : "\(field).\(name)"
                if Self.stringFields.contains(name), case .scalar(let scalar) = value {
                    lines[path] = value.mark?.line
                    object[name] = scalar.string
                } else {
                    object[name] = convert(value, path: path)
                }
            }
            return object
        case .sequence(let sequence):
            return sequence.enumerated().map { convert($0.element, path: "\(field)[\($0.offset)]") }
        case .scalar(let scalar):
            if scalar.style != .plain { return scalar.string }
            switch node.tag.description {
            case Tag.Name.int.rawValue: return node.int.map { $0 as Any } ?? scalar.string
            case Tag.Name.float.rawValue:
                guard let number = node.float else { return scalar.string }
                if !number.isFinite {
                    issues.append(issue(node, field: field, "must be a finite number (got \(scalar.string))"))
                    return scalar.string
                }
                return number
            case Tag.Name.bool.rawValue: return node.bool.map { $0 as Any } ?? scalar.string
            case Tag.Name.null.rawValue: return NSNull()
            default: return scalar.string
            }
        case .alias:
            return NSNull()
        }
    }

    func issue(_ node: Node, field: String, _ message: String) -> ValidationIssue {
        ValidationIssue(location: "\(path):\(node.mark?.line ?? 0)", field: field, message: message)
    }

    /// The line of `field`, or of its nearest enclosing field.
    func line(of field: String, fallback: Int) -> Int {
        var current = field
        while !current.isEmpty {
            if let line = lines[current] { return line }
            if let cut = current.lastIndex(where: { $0 == "." || $0 == "[" }) {
                current = String(current[..<cut])
            } else {
                break
            }
        }
        return lines[""] ?? fallback
    }

    func issue(for error: DecodingError, base: String, fallbackLine: Int) -> ValidationIssue {
        let context: DecodingError.Context
        let message: String
        switch error {
        case .keyNotFound(let key, let ctx):
            context = DecodingError.Context(codingPath: ctx.codingPath + [key], debugDescription: "")
            message = "is required"
        case .typeMismatch(let type, let ctx):
            context = ctx
            message = "has the wrong type: expected \(Self.typeName(type))"
        case .valueNotFound(let type, let ctx):
            context = ctx
            message = "is missing: expected \(Self.typeName(type))"
        case .dataCorrupted(let ctx):
            context = ctx
            message = "is not valid: \(ctx.debugDescription)"
        @unknown default:
            return ValidationIssue(location: "\(path):\(fallbackLine)", field: base, message: "\(error)")
        }
        var field = base
        for key in context.codingPath {
            if let index = key.intValue {
                field += "[\(index)]"
            } else {
                field += field.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return ValidationIssue(location: "\(path):\(line(of: field, fallback: fallbackLine))", field: field, message: message)
    }

    static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type, is Double.Type: return "a number"
        case is Bool.Type: return "true or false"
        case is [Any].Type: return "a list"
        default:
            let name = String(describing: type)
            if name.hasPrefix("Array") { return "a list" }
            if name.hasPrefix("Dictionary") { return "an object" }
            return "an object (\(name))"
        }
    }
}
