import DroverCore
import DroverStore
import Synchronization

/// The machines of running executions, each definition read once (an execution's definition never changes).
public final class WorkflowMachines: Sendable {
    private let cache = Mutex(BoundedMachines())

    public init() {}

    /// The machine `execution` runs; nil when its definition cannot be read.
    public func machine(_ execution: ExecutionRecord) -> StateMachine? {
        if let known = cache.withLock({ $0.machines[execution.number] }) { return known }
        guard let machine = try? WorkflowDefinition.parse(text: execution.definition, path: execution.arn).machine else { return nil }
        cache.withLock { $0.insert(machine, for: execution.number) }
        return machine
    }

    private struct BoundedMachines {
        var machines: [Int64: StateMachine] = [:]

        mutating func insert(_ machine: StateMachine, for number: Int64) {
            if machines.count >= 256 { machines.removeAll() }
            machines[number] = machine
        }
    }
}
