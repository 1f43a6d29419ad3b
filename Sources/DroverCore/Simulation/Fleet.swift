/// What a compute environment's fleet offers a job.
public enum FleetOffer: Sendable, Equatable {
    /// Start it now on this instance (its capacity is already taken).
    case instance(String)
    /// An instance is starting for it: wait, do not try the next environment.
    case pending(String)
    /// This environment cannot take it now (at maxvCpus, the spot price above the bid); try the next one.
    case unavailable(String)
    /// Spot capacity is short: no instance of `instanceType` (the one it would launch) can start
    /// now, AWS's insufficient capacity error; try the next one.
    case insufficientCapacity(instanceType: String, detail: String)
    /// It can never run here, and `misfit` says why in AWS's terms: more vCPUs than `maxvCpus`, or
    /// no instance type that holds it.
    case never(String, misfit: RunnableReason)
}

/// Something that happened to an instance, for the engine to act on and record.
public struct FleetEvent: Sendable, Equatable {
    /// What happened.
    public enum Kind: String, Sendable {
        case launched, ready, notice, terminated
    }

    /// What happened.
    public var kind: Kind
    /// The instance's compute environment.
    public var environment: String
    /// The instance, after the change.
    public var instance: SimulatedInstance
}

/// The simulated instances of one managed compute environment, as a value: it launches instances
/// as jobs need them (after a start-up delay), packs jobs onto them by vCPU and memory, scales idle
/// ones in, and for SPOT draws reclaims and capacity shortages from its own seeded sequence.
///
/// Every method takes the simulated time `now` (seconds since the engine started); nothing here
/// reads a clock, so the same calls with the same seed give the same fleet.
public struct Fleet: Sendable {
    /// Environment name.
    public let name: String
    /// Spot or on-demand.
    public private(set) var lifecycle: Lifecycle
    /// Types it may launch, cheapest first.
    public private(set) var types: [InstanceType]
    /// `maxvCpus`: the vCPUs of live instances never exceed it.
    public private(set) var maxVcpus: Double
    /// The `simulation` block.
    public private(set) var settings: SimulationSettings
    /// `bidPercentage`: no spot instance launches while the spot price is above this share of on-demand.
    public private(set) var bidPercentage: Int?
    /// Instances not yet terminated, in launch order.
    public private(set) var instances: [SimulatedInstance] = []
    /// Periods with no spot capacity: simulated start, end, and the experiment that caused it.
    public private(set) var shortages: [(start: Double, end: Double, experiment: String?)] = []
    var random: SeededRandom
    var shortageRandom: SeededRandom
    var nextRandomShortage: Double
    var events: [FleetEvent] = []

    /// Creates the fleet of `environment`, or nil when it is not a simulated environment (see
    /// ``ComputeEnvironment/isSimulated``) or its instance types are unknown.
    public init?(_ environment: ComputeEnvironment, seed: UInt64) {
        guard environment.isSimulated, let resources = environment.computeResources,
              case .success(let types) = InstanceCatalog.resolve(resources.instanceTypes ?? []) else { return nil }
        name = environment.computeEnvironmentName
        lifecycle = resources.type == "SPOT" ? .spot : .onDemand
        self.types = types
        maxVcpus = environment.maxvCpus
        settings = environment.simulation ?? SimulationSettings()
        bidPercentage = resources.bidPercentage
        random = SeededRandom(seed: seed, stream: environment.computeEnvironmentName)
        shortageRandom = SeededRandom(seed: seed, stream: environment.computeEnvironmentName + "/shortages")
        nextRandomShortage = 0
        for window in settings.capacityShortages ?? [] {
            shortages.append((window.at.seconds, window.at.seconds + window.duration.seconds, nil))
        }
        nextRandomShortage = drawShortageGap()
        sortTypes()
    }

    /// Takes new settings after `drover apply` changed the environment; instances stay.
    public mutating func update(_ environment: ComputeEnvironment) {
        guard let resources = environment.computeResources,
              case .success(let types) = InstanceCatalog.resolve(resources.instanceTypes ?? []) else { return }
        lifecycle = resources.type == "SPOT" ? .spot : .onDemand
        self.types = types
        maxVcpus = environment.maxvCpus
        settings = environment.simulation ?? SimulationSettings()
        bidPercentage = resources.bidPercentage
        sortTypes()
    }

    mutating func sortTypes() {
        let fleet = self
        types.sort { (fleet.price(of: $0), $0.vcpus) < (fleet.price(of: $1), $1.vcpus) }
    }

    // MARK: - Prices

    /// What an instance of `type` costs per hour in this environment.
    public func price(of type: InstanceType) -> Double {
        guard lifecycle == .spot else { return type.onDemandHourly }
        if let listed = settings.spotPrices?[type.name] { return listed }
        return type.onDemandHourly * (settings.spotPriceFraction ?? SimulationSettings.defaultSpotPriceFraction)
    }

    // MARK: - Placement

    /// Forgets what waiting jobs were promised in the previous scheduling pass.
    public mutating func beginPass() {
        for index in instances.indices {
            instances[index].reservedVcpus = 0
            instances[index].reservedMemory = 0
        }
    }

    /// Finds room for `need`: the fullest running instance it fits on; else a starting instance
    /// with room (the job waits for it); else a new instance of the cheapest type that holds it,
    /// if maxvCpus, spot capacity and the bid allow.
    public mutating func place(_ need: ResourceNeed, now: Double) -> FleetOffer {
        let fitting = types.filter { $0.vcpus <= maxVcpus + 1e-9 && need.vcpus <= $0.vcpus + 1e-9 && need.memory <= $0.memoryMiB }
        if fitting.isEmpty {
            guard need.vcpus <= maxVcpus + 1e-9 else {
                return .never("\(name) allows \(PlacementDecision.format(maxVcpus)) vCPUs (maxvCpus)", misfit: .computeEnvironmentMaxResource)
            }
            let largest = types.map { "\($0.name) (\(PlacementDecision.format($0.vcpus)) vCPUs, \($0.memoryMiB) MiB)" }.joined(separator: ", ")
            return .never("no instance type of \(name) holds \(PlacementDecision.describe(need)) within maxvCpus \(PlacementDecision.format(maxVcpus)): \(largest)",
                          misfit: .jobResourceRequirement)
        }
        let running = instances.indices.filter { instances[$0].state == .running && instances[$0].hasRoom(for: need) }
        if let best = running.min(by: { free(instances[$0]) < free(instances[$1]) }) {
            return take(need, on: best)
        }
        if let starting = instances.indices.first(where: { instances[$0].state == .launching && instances[$0].hasRoom(for: need) }) {
            return take(need, on: starting)
        }
        if lifecycle == .spot, let shortage = shortage(at: now) {
            // No countdown in the detail: the reason is written when it changes, not every pass.
            let cause = shortage.experiment.map { " (experiment \($0))" } ?? ""
            return .insufficientCapacity(instanceType: fitting[0].name, detail: "no spot capacity in \(name)\(cause)")
        }
        let live = instances.filter { $0.state == .launching || $0.state == .running }.reduce(0) { $0 + $1.type.vcpus }
        guard let type = fitting.first(where: { live + $0.vcpus <= maxVcpus + 1e-9 }) else {
            return .unavailable("\(name) runs \(PlacementDecision.format(live)) of its \(PlacementDecision.format(maxVcpus)) maxvCpus")
        }
        if lifecycle == .spot, let bid = bidPercentage, price(of: type) > type.onDemandHourly * Double(bid) / 100 + 1e-12 {
            return .unavailable("the spot price of \(type.name) in \(name) is above bidPercentage \(bid)")
        }
        launch(type, now: now)
        return take(need, on: instances.count - 1)
    }

    /// Holds `need` on a running instance (the job starts) or promises it on a starting one (the job waits).
    mutating func take(_ need: ResourceNeed, on index: Int) -> FleetOffer {
        if instances[index].state == .running {
            instances[index].usedVcpus += need.vcpus
            instances[index].usedMemory = instances[index].usedMemory.adding(saturating: need.memory)
            return .instance(instances[index].id)
        }
        instances[index].reservedVcpus += need.vcpus
        instances[index].reservedMemory = instances[index].reservedMemory.adding(saturating: need.memory)
        return .pending(instances[index].id)
    }

    func free(_ instance: SimulatedInstance) -> Double {
        instance.type.vcpus - instance.usedVcpus
    }

    @discardableResult
    mutating func launch(_ type: InstanceType, now: Double) -> SimulatedInstance {
        let delay = max(0, settings.startupDelay?.seconds ?? 0)
        let rate = lifecycle == .spot ? settings.interruptions?.ratePerSecond ?? 0 : 0
        let id = random.instanceID()
        let lifetime = random.exponential(rate: rate)
        let instance = SimulatedInstance(
            id: id, type: type, lifecycle: lifecycle, hourlyPrice: price(of: type),
            state: delay == 0 ? .running : .launching, launchedAt: now, readyAt: now + delay,
            interruptAt: now + delay + lifetime, idleSince: now + delay)
        instances.append(instance)
        events.append(FleetEvent(kind: .launched, environment: name, instance: instance))
        return instance
    }

    /// Gives back what a finished attempt held on `instance`.
    public mutating func release(_ need: ResourceNeed, from instance: String, now: Double) {
        guard let index = instances.firstIndex(where: { $0.id == instance }) else { return }
        instances[index].usedVcpus = max(0, instances[index].usedVcpus - need.vcpus)
        instances[index].usedMemory = max(0, instances[index].usedMemory.adding(saturating: -max(0, need.memory)))
        if instances[index].usedVcpus < 1e-9 && instances[index].usedMemory == 0 {
            instances[index].idleSince = now
        }
    }

    // MARK: - Time

    /// Moves the fleet to `now`: instances become ready, reclaims begin and end, idle instances
    /// are scaled in, random shortages are drawn. Returns what happened, in order.
    public mutating func advance(to now: Double) -> [FleetEvent] {
        if lifecycle == .spot, let perHour = settings.shortagesPerHour, perHour > 0 {
            while nextRandomShortage <= now {
                let length = settings.shortageDuration?.seconds ?? 600
                shortages.append((nextRandomShortage, nextRandomShortage + length, nil))
                // At least a simulated second apart, so that no setting can keep this loop from reaching `now`.
                nextRandomShortage += max(length + drawShortageGap(), 1)
            }
        }
        shortages.removeAll { $0.end <= now }
        let idle = settings.idleTimeout?.seconds ?? 60
        for index in instances.indices {
            if instances[index].state == .launching, instances[index].readyAt <= now {
                instances[index].state = .running
                events.append(FleetEvent(kind: .ready, environment: name, instance: instances[index]))
            }
            if instances[index].state == .running, instances[index].interruptAt <= now {
                beginNotice(index, at: instances[index].interruptAt)
            }
            if instances[index].state == .notice, let kill = instances[index].killAt, kill <= now {
                end(index, at: kill, reason: "interrupted")
            }
            let instance = instances[index]
            if instance.state == .running, instance.usedVcpus < 1e-9, instance.usedMemory == 0,
               instance.reservedVcpus < 1e-9, instance.idleSince + idle <= now {
                end(index, at: max(instance.idleSince + idle, instance.readyAt), reason: "scaled in")
            }
        }
        instances.removeAll { $0.state == .terminated }
        return takeEvents()
    }

    /// Events since the last call.
    public mutating func takeEvents() -> [FleetEvent] {
        defer { events.removeAll() }
        return events
    }

    /// The next simulated time at which `advance` has something to do.
    public func nextEventTime() -> Double? {
        let idle = settings.idleTimeout?.seconds ?? 60
        let times = instances.compactMap { instance -> Double? in
            switch instance.state {
            case .launching: return instance.readyAt
            case .running:
                let idleEnd = instance.usedVcpus < 1e-9 && instance.usedMemory == 0 ? instance.idleSince + idle : .infinity
                return min(instance.interruptAt, idleEnd)
            case .notice: return instance.killAt
            case .terminated: return nil
            }
        }
        return times.filter(\.isFinite).min()
    }

    // MARK: - Interruptions and shortages

    /// Starts the reclaim of `instance` now (a fault-injection experiment); false if it is not
    /// launching or running.
    @discardableResult
    public mutating func interrupt(_ instance: String, now: Double, experiment: String?) -> Bool {
        guard let index = instances.firstIndex(where: { $0.id == instance }),
              instances[index].state == .launching || instances[index].state == .running else { return false }
        instances[index].experiment = experiment
        beginNotice(index, at: now)
        return true
    }

    mutating func beginNotice(_ index: Int, at time: Double) {
        let notice = settings.interruptions?.noticeSeconds ?? 120
        instances[index].state = .notice
        instances[index].killAt = time + max(0, notice)
        events.append(FleetEvent(kind: .notice, environment: name, instance: instances[index]))
    }

    mutating func end(_ index: Int, at time: Double, reason: String) {
        instances[index].state = .terminated
        instances[index].endedAt = time
        instances[index].endReason = reason
        events.append(FleetEvent(kind: .terminated, environment: name, instance: instances[index]))
    }

    /// Instances that are launching or running (what an experiment may target), in launch order.
    public var targetable: [String] {
        instances.filter { $0.state == .launching || $0.state == .running }.map(\.id)
    }

    /// The shortage in force at `now`, if any.
    public func shortage(at now: Double) -> (start: Double, end: Double, experiment: String?)? {
        shortages.filter { $0.start <= now && now < $0.end }.max { $0.end < $1.end }
    }

    /// Makes spot capacity unavailable from `now` until `end` (an experiment).
    public mutating func addShortage(from now: Double, until end: Double, experiment: String?) {
        shortages.append((now, end, experiment))
    }

    /// Ends the shortages an experiment started (its stop condition was met).
    public mutating func endShortages(of experiment: String, now: Double) {
        for index in shortages.indices where shortages[index].experiment == experiment {
            shortages[index].end = min(shortages[index].end, now)
        }
    }

    /// Terminates every instance (the engine is stopping).
    public mutating func terminateAll(now: Double) -> [FleetEvent] {
        for index in instances.indices where instances[index].state != .terminated {
            // A reclaimed instance still in its notice counts as reclaimed.
            end(index, at: now, reason: instances[index].state == .notice ? "interrupted" : "engine stopped")
        }
        instances.removeAll()
        return takeEvents()
    }

    mutating func drawShortageGap() -> Double {
        guard lifecycle == .spot, let perHour = settings.shortagesPerHour, perHour > 0 else { return .infinity }
        return shortageRandom.exponential(rate: perHour / 3600)
    }
}
