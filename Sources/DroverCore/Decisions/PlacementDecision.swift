/// Where a RUNNABLE job goes, or why it stays RUNNABLE: one rule for every kind of compute
/// environment, local or simulated.
public enum PlacementDecision: Sendable, Equatable {
    /// Start it on this environment: on `instance` of a simulated fleet, or locally (nil).
    case place(environment: String, instance: String?)
    /// Claim it on this local environment although the environment is full: the claim is written
    /// while the environment's running attempts finish, and the job starts the moment a slot frees.
    case placeAhead(environment: String)
    /// An instance of this fleet is starting for it: it waits for the instance, without holding up
    /// the jobs behind it (so that the fleet scales up for all of them at once).
    case waitForInstance(environment: String)
    /// Nothing has room now; it may later. The job holds its queue (FIFO); the reason says why.
    case wait(reason: String)
    /// It cannot run until the queue's environments change (`apply`): it stays RUNNABLE with this
    /// reason, and the jobs behind it go on.
    case never(reason: String)

    /// Walks the queue's environments in `computeEnvironmentOrder` and takes the first that has
    /// room: a local environment with room in `capacity`, or a fleet whose `offer` is an instance
    /// (or one starting). A DISABLED environment is passed over; one that cannot take the job now
    /// (full, spot capacity short, at maxvCpus) passes it to the next. When none has room, the job
    /// is claimed ahead on the first local environment that could hold it and has budget left in
    /// `capacity.ahead`; else it waits or, if no enabled environment could ever hold it, never runs.
    ///
    /// A fleet is reached only while `capacity.hostSlots` are left (else the job waits for one,
    /// and later environments are not tried).
    ///
    /// - Parameters:
    ///   - environments: the queue's environments in `computeEnvironmentOrder`.
    ///   - capacity: what is free in this pass; what the job takes is taken from it.
    ///   - offer: the answer of fleet `name`'s ``Fleet/place(_:now:)`` for this job. It holds or
    ///     promises room when it answers with an instance, so it is called only for the fleets
    ///     placement reaches, in order, at most once each.
    public static func decide(need: ResourceNeed, queue: String, environments: [PlacementEnvironment], capacity: inout PlacementCapacity,
                              offer: (_ name: String) -> FleetOffer) -> PlacementDecision {
        guard !environments.isEmpty else {
            return .never(reason: "MISCONFIGURATION:JOB_QUEUE_NO_COMPUTE_ENVIRONMENT - queue \(queue) has no compute environment")
        }
        var problems: [String] = []
        var disabled = 0
        // Some enabled environment could hold the job once it has room.
        var couldHold = false
        for environment in environments {
            let name = environment.name
            guard environment.enabled else {
                disabled += 1
                problems.append("\(name) is DISABLED")
                continue
            }
            switch environment.kind {
            case .local:
                guard let usage = capacity.usage[name] else {
                    problems.append("\(name) is unknown")
                    continue
                }
                guard usage.canEverHold(need) else {
                    problems.append(usage.limits)
                    continue
                }
                couldHold = true
                if usage.hasRoom(for: need) {
                    capacity.usage[name]?.take(need)
                    return .place(environment: name, instance: nil)
                }
                problems.append(usage.use)
            case .fleet:
                guard capacity.hostSlots > 0 else {
                    return .wait(reason: "CAPACITY:HOST_SLOTS - all \(capacity.hostSlotLimit) local process slots are busy")
                }
                switch offer(name) {
                case .instance(let instance):
                    capacity.hostSlots -= 1
                    return .place(environment: name, instance: instance)
                case .pending:
                    capacity.hostSlots -= 1
                    return .waitForInstance(environment: name)
                case .unavailable(let reason):
                    couldHold = true
                    problems.append(reason)
                case .never(let reason):
                    problems.append(reason)
                }
            }
        }
        let asked = describe(need)
        guard couldHold else {
            if disabled == environments.count {
                return .never(reason: "MISCONFIGURATION:COMPUTE_ENVIRONMENT_DISABLED - every compute environment of queue \(queue) is DISABLED")
            }
            if disabled > 0 {
                return .never(reason: """
                    MISCONFIGURATION:COMPUTE_ENVIRONMENT_DISABLED - no enabled compute environment of queue \(queue) can hold \(asked): \
                    \(problems.joined(separator: "; "))
                    """)
            }
            return .never(reason: "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT - the job asks \(asked) but \(problems.joined(separator: "; "))")
        }
        for environment in environments where environment.enabled && environment.kind == .local {
            let name = environment.name
            guard capacity.usage[name]?.canEverHold(need) == true, capacity.ahead[name]?.hasRoom(for: need) == true else { continue }
            capacity.ahead[name]?.take(need)
            return .placeAhead(environment: name)
        }
        return .wait(reason: "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY - waiting for \(asked): \(problems.joined(separator: "; "))")
    }

    /// `1 vCPU and 64 MiB`.
    public static func describe(_ need: ResourceNeed) -> String {
        "\(format(need.vcpus)) vCPU\(need.vcpus == 1 ? "" : "s") and \(need.memory) MiB"
    }

    /// `2` for 2.0, `0.5` for 0.5; `1e+19`, `nan` and `inf` as Swift writes them (never traps).
    public static func format(_ value: Double) -> String {
        value.isFinite && value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
