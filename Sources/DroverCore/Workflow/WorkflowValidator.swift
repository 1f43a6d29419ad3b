/// The transitions of one machine (the definition's, a `Parallel` branch or a `Map` processor), as read: each state's
/// `Next`, `Default`, `Choices[i].Next` and `Catch[i].Next`, and the states that end it.
struct MachineGraph {
    /// One transition, with where it is written and how to name it in a message.
    struct Edge {
        var target: String
        /// Its field path (`States.Check.Choices[1].Next`).
        var field: String
        /// `Next`, `Default`, `Choices[1].Next`, `Catch[0].Next`.
        var label: String
        /// The state, as messages name it (`Task state 'Run'`).
        var who: String
    }

    /// The state names in the order written.
    var order: [String] = []
    /// Each state's transitions.
    var edges: [String: [Edge]] = [:]
    /// The states that end the machine (`End: true`, `Succeed`, `Fail`), and those that could not be read, so that
    /// one problem is not also reported as a machine that never ends.
    var terminals: Set<String> = []
}

/// The checks on how a machine's states connect, which Step Functions makes when a definition is created.
enum WorkflowValidator {
    /// The most state names a message lists.
    static let namesListed = 10

    /// `StartAt` or a transition naming no state of the machine, states that cannot be reached from `StartAt`, and a
    /// machine in which no reachable state ends it. `place` names the machine in messages (`the state machine`,
    /// `branch 0 of Parallel state 'P'`); `startAt` is nil when it was missing (already reported).
    static func transitionProblems(in graph: MachineGraph, startAt: String?, startAtField: String, statesField: String,
                                   place: String) -> [(field: String, message: String)] {
        var problems: [(field: String, message: String)] = []
        let names = Set(graph.order)
        guard !names.isEmpty else { return problems }
        let listed = graph.order.prefix(namesListed).map { "'\($0)'" }.joined(separator: ", ") + (graph.order.count > namesListed ? "..." : "")
        let nested = place != "the state machine"
        let scopeNote = nested ? " (the states of \(place) can only go to one another)" : ""
        if let startAt, !names.contains(startAt) {
            problems.append((startAtField, "StartAt names '\(startAt)', which is not a state of \(place); name one of \(listed)\(scopeNote)"))
        }
        for name in graph.order {
            for edge in graph.edges[name] ?? [] where !names.contains(edge.target) {
                problems.append((edge.field, "\(edge.who): \(edge.label) names '\(edge.target)', which is not a state of \(place); name one of \(listed)\(scopeNote)"))
            }
        }
        guard let startAt, names.contains(startAt) else { return problems }
        var reached: Set<String> = [startAt]
        var pending = [startAt]
        while let name = pending.popLast() {
            for edge in graph.edges[name] ?? [] where names.contains(edge.target) && !reached.contains(edge.target) {
                reached.insert(edge.target)
                pending.append(edge.target)
            }
        }
        for name in graph.order where !reached.contains(name) {
            problems.append((LocatedJSON.join(statesField, name), "state '\(name)' cannot be reached from StartAt '\(startAt)': no Next, Default, Choices or Catch of \(place) leads to it; remove it or make a state go to it"))
        }
        if reached.isDisjoint(with: graph.terminals) {
            problems.append((statesField, "no state reachable from StartAt '\(startAt)' ends \(place): add \"End\": true to its last state, or a Succeed or Fail state that a state goes to"))
        }
        return problems
    }
}
