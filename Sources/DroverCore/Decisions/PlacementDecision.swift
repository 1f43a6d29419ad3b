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
    /// Reasons are ``RunnableReason``'s: AWS's codes where AWS's meaning holds (never:
    /// `COMPUTE_ENVIRONMENT_MAX_RESOURCE` when every enabled environment's `maxvCpus` is too small,
    /// else `JOB_RESOURCE_REQUIREMENT`; wait: `INSUFFICIENT_INSTANCE_CAPACITY` when every environment
    /// that could hold it is short of spot capacity), plain sentences otherwise.
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
            return .never(reason: RunnableReason.noComputeEnvironment(queue: queue))
        }
        var problems: [String] = []
        // Why each enabled environment can never hold the job.
        var misfits: [RunnableReason] = []
        // Instance types short of spot capacity, and whether anything else (a full environment) holds the job up.
        var shortTypes: [String] = []
        var otherWaits = 0
        for environment in environments {
            let name = environment.name
            guard environment.enabled else {
                problems.append("\(name) is DISABLED")
                continue
            }
            switch environment.kind {
            case .local:
                guard let usage = capacity.usage[name] else {
                    problems.append("\(name) is unknown")
                    misfits.append(.jobResourceRequirement)
                    continue
                }
                if let misfit = usage.misfit(need) {
                    problems.append(usage.limits)
                    misfits.append(misfit)
                    continue
                }
                if usage.hasRoom(for: need) {
                    capacity.usage[name]?.take(need)
                    return .place(environment: name, instance: nil)
                }
                otherWaits += 1
                problems.append(usage.use)
            case .fleet:
                guard capacity.hostSlots > 0 else {
                    return .wait(reason: RunnableReason.hostSlotsBusy(limit: capacity.hostSlotLimit))
                }
                switch offer(name) {
                case .instance(let instance):
                    capacity.hostSlots -= 1
                    return .place(environment: name, instance: instance)
                case .pending:
                    capacity.hostSlots -= 1
                    return .waitForInstance(environment: name)
                case .unavailable(let reason):
                    otherWaits += 1
                    problems.append(reason)
                case .insufficientCapacity(let instanceType, let detail):
                    if !shortTypes.contains(instanceType) { shortTypes.append(instanceType) }
                    problems.append(detail)
                case .never(let reason, let misfit):
                    problems.append(reason)
                    misfits.append(misfit)
                }
            }
        }
        let asked = describe(need)
        guard otherWaits > 0 || !shortTypes.isEmpty else {
            guard !misfits.isEmpty else { return .never(reason: RunnableReason.allDisabled(queue: queue)) }
            let code: RunnableReason = misfits.allSatisfy { $0 == .computeEnvironmentMaxResource } ? .computeEnvironmentMaxResource : .jobResourceRequirement
            return .never(reason: code.statusReason(detail: "The job asks \(asked): \(problems.joined(separator: "; "))."))
        }
        for environment in environments where environment.enabled && environment.kind == .local {
            let name = environment.name
            guard capacity.usage[name]?.canEverHold(need) == true, capacity.ahead[name]?.hasRoom(for: need) == true else { continue }
            capacity.ahead[name]?.take(need)
            return .placeAhead(environment: name)
        }
        if otherWaits == 0 {
            return .wait(reason: RunnableReason.insufficientCapacity(instanceTypes: shortTypes, detail: sentence(problems)))
        }
        return .wait(reason: RunnableReason.waitingForCapacity(asked: asked, problems: problems))
    }

    /// `No spot capacity in f; a is DISABLED.`
    static func sentence(_ parts: [String]) -> String {
        let text = parts.joined(separator: "; ")
        return text.prefix(1).uppercased() + text.dropFirst() + "."
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
