import DroverCore
import Testing

/// One placement rule for local environments and simulated fleets: order, DISABLED environments,
/// fall-through, claims made ahead, and never versus wait.
struct PlacementTests {
    static let need = ResourceNeed(vcpus: 1, memory: 100)

    static func local(_ name: String, enabled: Bool = true) -> PlacementEnvironment {
        PlacementEnvironment(name: name, enabled: enabled, kind: .local)
    }

    static func fleet(_ name: String, enabled: Bool = true) -> PlacementEnvironment {
        PlacementEnvironment(name: name, enabled: enabled, kind: .fleet)
    }

    /// A local environment of `max` vCPUs and 1000 MiB with `used` vCPUs held.
    static func usage(_ name: String, used: Double = 0, max: Double = 2) -> EnvironmentUsage {
        EnvironmentUsage(name: name, maxVcpus: max, maxMemory: 1000, usedVcpus: used)
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var label: String
        var environments: [PlacementEnvironment]
        var usage: [EnvironmentUsage] = []
        /// What each fleet answers.
        var offers: [String: FleetOffer] = [:]
        var hostSlots = 4
        /// vCPUs already claimed ahead on each local environment (nil: no claim-ahead budget).
        var ahead: Double?
        /// `place a`, `place f i-1`, `ahead a`, `starting f`, `wait CODE`, `never CODE`.
        var expected: String
        /// The fleets asked, in order.
        var asked: [String] = []
        var testDescription: String { label }
    }

    static let unavailable = FleetOffer.unavailable("CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY - no spot capacity for f for another 30s")
    static let tooSmall = FleetOffer.never("no instance type of f holds 1 vCPU and 100 MiB within maxvCpus 0: c5.large (2 vCPUs, 4096 MiB)")

    static let cases: [Case] = [
        Case(label: "first local environment with room", environments: [local("a"), local("b")],
             usage: [usage("a", used: 2), usage("b")], expected: "place b"),
        Case(label: "a local environment with room before a fleet: the fleet is not asked", environments: [local("a"), fleet("f")],
             usage: [usage("a")], offers: ["f": .instance("i-1")], expected: "place a"),
        Case(label: "a full local environment falls through to a fleet's instance", environments: [local("a"), fleet("f")],
             usage: [usage("a", used: 2)], offers: ["f": .instance("i-1")], expected: "place f i-1", asked: ["f"]),
        Case(label: "an unavailable fleet falls through to a local environment", environments: [fleet("f"), local("b")],
             usage: [usage("b")], offers: ["f": unavailable], expected: "place b", asked: ["f"]),
        Case(label: "an instance starting for the job: it waits for it, later environments untried", environments: [fleet("f"), local("b")],
             usage: [usage("b")], offers: ["f": .pending("i-1")], expected: "starting f", asked: ["f"]),
        Case(label: "one unavailable fleet, then another's instance", environments: [fleet("f"), fleet("g")],
             offers: ["f": unavailable, "g": .instance("i-2")], expected: "place g i-2", asked: ["f", "g"]),
        Case(label: "a DISABLED local environment is passed over", environments: [local("a", enabled: false), local("b")],
             usage: [usage("a"), usage("b")], expected: "place b"),
        Case(label: "a DISABLED fleet is passed over, not asked", environments: [fleet("f", enabled: false), local("b")],
             usage: [usage("b")], offers: ["f": .instance("i-1")], expected: "place b"),
        Case(label: "the only environment, local, DISABLED", environments: [local("a", enabled: false)],
             usage: [usage("a")], expected: "never MISCONFIGURATION:COMPUTE_ENVIRONMENT_DISABLED"),
        Case(label: "the only environment, a fleet, DISABLED", environments: [fleet("f", enabled: false)],
             offers: ["f": .instance("i-1")], expected: "never MISCONFIGURATION:COMPUTE_ENVIRONMENT_DISABLED"),
        Case(label: "DISABLED, and the other enabled one can never hold it", environments: [fleet("f", enabled: false), local("b")],
             usage: [usage("b", max: 0.5)], expected: "never MISCONFIGURATION:COMPUTE_ENVIRONMENT_DISABLED"),
        Case(label: "DISABLED, and the other one is full: wait", environments: [local("a", enabled: false), local("b")],
             usage: [usage("a"), usage("b", used: 2)], expected: "wait CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY"),
        Case(label: "DISABLED, and the other fleet is unavailable: wait", environments: [fleet("f", enabled: false), fleet("g")],
             offers: ["g": unavailable], expected: "wait CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY", asked: ["g"]),
        Case(label: "no environment could ever hold it", environments: [local("a"), fleet("f")],
             usage: [usage("a", max: 0.5)], offers: ["f": tooSmall], expected: "never MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT", asked: ["f"]),
        Case(label: "too big for one, the other is only busy: wait", environments: [local("a"), fleet("f")],
             usage: [usage("a", max: 0.5)], offers: ["f": unavailable], expected: "wait CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY", asked: ["f"]),
        Case(label: "a queue without environments", environments: [], expected: "never MISCONFIGURATION:JOB_QUEUE_NO_COMPUTE_ENVIRONMENT"),
        Case(label: "no host slot left: it waits at the fleet", environments: [local("a"), fleet("f"), local("b")],
             usage: [usage("a", used: 2), usage("b")], offers: ["f": .instance("i-1")], hostSlots: 0, expected: "wait CAPACITY:HOST_SLOTS"),
        Case(label: "full: claimed ahead on the first that could hold it", environments: [local("a"), local("b")],
             usage: [usage("a", used: 2), usage("b", used: 2)], ahead: 0, expected: "ahead a"),
        Case(label: "claimed ahead past one that can never hold it", environments: [local("a"), local("b")],
             usage: [usage("a", max: 0.5), usage("b", used: 2)], ahead: 0, expected: "ahead b"),
        Case(label: "claimed ahead past a DISABLED one", environments: [local("a", enabled: false), local("b")],
             usage: [usage("a"), usage("b", used: 2)], ahead: 0, expected: "ahead b"),
        Case(label: "claimed ahead once the fleets before are unavailable", environments: [fleet("f"), local("b")],
             usage: [usage("b", used: 2)], offers: ["f": unavailable], ahead: 0, expected: "ahead b", asked: ["f"]),
        Case(label: "the claim-ahead budget is used: wait", environments: [local("a")],
             usage: [usage("a", used: 2)], ahead: 2, expected: "wait CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY"),
        Case(label: "never is not claimed ahead", environments: [local("a")],
             usage: [usage("a", max: 0.5)], ahead: 0, expected: "never MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT"),
    ]

    /// Decides with `fixture`'s answers; returns the decision and the fleets asked, in order.
    static func decide(_ fixture: Case, capacity: inout PlacementCapacity) -> (PlacementDecision, asked: [String]) {
        var asked: [String] = []
        let decision = PlacementDecision.decide(need: need, queue: "q", environments: fixture.environments, capacity: &capacity) { name in
            asked.append(name)
            return fixture.offers[name] ?? .never("\(name) has no offer")
        }
        return (decision, asked)
    }

    static func capacity(_ fixture: Case) -> PlacementCapacity {
        let usage = Dictionary(uniqueKeysWithValues: fixture.usage.map { ($0.name, $0) })
        var ahead: [String: EnvironmentUsage] = [:]
        if let used = fixture.ahead {
            ahead = usage.mapValues { EnvironmentUsage(name: $0.name, maxVcpus: $0.maxVcpus, maxMemory: $0.maxMemory, usedVcpus: used) }
        }
        return PlacementCapacity(usage: usage, ahead: ahead, hostSlots: fixture.hostSlots, hostSlotLimit: 4)
    }

    static func summary(_ decision: PlacementDecision) -> String {
        let code = { (reason: String) in String(reason.prefix { $0 != " " }) }
        switch decision {
        case .place(let environment, let instance): return "place \(environment)" + (instance.map { " \($0)" } ?? "")
        case .placeAhead(let environment): return "ahead \(environment)"
        case .waitForInstance(let environment): return "starting \(environment)"
        case .wait(let reason): return "wait \(code(reason))"
        case .never(let reason): return "never \(code(reason))"
        }
    }

    @Test(arguments: cases)
    func decides(_ fixture: Case) {
        var capacity = Self.capacity(fixture)
        let (decision, asked) = Self.decide(fixture, capacity: &capacity)
        #expect(Self.summary(decision) == fixture.expected)
        #expect(asked == fixture.asked, "the fleets asked, in order")
    }

    @Test func aDisabledEnvironmentGivesTheSameReasonWhateverItsKind() {
        let localCase = Self.cases.first { $0.label == "the only environment, local, DISABLED" }!
        let fleetCase = Self.cases.first { $0.label == "the only environment, a fleet, DISABLED" }!
        var localCapacity = Self.capacity(localCase), fleetCapacity = Self.capacity(fleetCase)
        let local = Self.decide(localCase, capacity: &localCapacity).0
        let fleet = Self.decide(fleetCase, capacity: &fleetCapacity).0
        #expect(local == .never(reason: "MISCONFIGURATION:COMPUTE_ENVIRONMENT_DISABLED - every compute environment of queue q is DISABLED"))
        #expect(fleet == local)
        for kind in [PlacementEnvironment.Kind.local, .fleet] {
            var capacity = PlacementCapacity(usage: ["a": Self.usage("a"), "b": Self.usage("b", used: 2)], hostSlots: 1)
            let decision = PlacementDecision.decide(need: Self.need, queue: "q", environments: [PlacementEnvironment(name: "a", enabled: false, kind: kind), Self.local("b")],
                                                    capacity: &capacity) { _ in .instance("i-1") }
            #expect(decision == .wait(reason: "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY - waiting for 1 vCPU and 100 MiB: a is DISABLED; b uses 2/2 vCPUs and 0/1000 MiB"))
        }
    }

    @Test func reasonsNameEveryEnvironmentTried() {
        var capacity = PlacementCapacity(usage: ["a": Self.usage("a", max: 0.5)], hostSlots: 1)
        let decision = PlacementDecision.decide(need: ResourceNeed(vcpus: 8, memory: 0), queue: "q", environments: [Self.local("a"), Self.fleet("f")],
                                                capacity: &capacity) { _ in Self.tooSmall }
        guard case .never(let reason) = decision else {
            Issue.record("expected never, got \(decision)")
            return
        }
        #expect(reason.hasPrefix("MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT - the job asks 8 vCPUs and 0 MiB but a allows 0.5 vCPUs and 1000 MiB; no instance type of f"))
    }

    /// The summaries of `count` jobs placed one after another in one pass.
    static func pass(_ count: Int, environments: [PlacementEnvironment], capacity: inout PlacementCapacity) -> [String] {
        var offers = 0
        return (0..<count).map { _ in
            summary(PlacementDecision.decide(need: need, queue: "q", environments: environments, capacity: &capacity) { _ in
                offers += 1
                return .instance("i-\(offers)")
            })
        }
    }

    @Test func aPassTakesWhatItPlaces() {
        var local = PlacementCapacity(usage: ["a": Self.usage("a")], ahead: ["a": Self.usage("a")])
        // Two fit, then one environment's worth is claimed ahead.
        #expect(Self.pass(5, environments: [Self.local("a")], capacity: &local) == [
            "place a", "place a", "ahead a", "ahead a", "wait CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY",
        ])
        #expect(local.usage["a"]?.usedVcpus == 2 && local.ahead["a"]?.usedVcpus == 2)
        var mixed = PlacementCapacity(usage: ["a": Self.usage("a")], ahead: ["a": Self.usage("a")], hostSlots: 1)
        // The host slot takes the third; the fourth waits for a slot at the fleet.
        #expect(Self.pass(4, environments: [Self.local("a"), Self.fleet("f")], capacity: &mixed) == [
            "place a", "place a", "place f i-1", "wait CAPACITY:HOST_SLOTS",
        ])
        #expect(mixed.hostSlots == 0)
    }

    @Test func memoryCountsToo() {
        var capacity = PlacementCapacity(usage: ["a": EnvironmentUsage(name: "a", maxVcpus: 8, maxMemory: 1000, usedMemory: 950)])
        let decision = PlacementDecision.decide(need: Self.need, queue: "q", environments: [Self.local("a")], capacity: &capacity) { _ in .never("") }
        #expect(decision == .wait(reason: "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY - waiting for 1 vCPU and 100 MiB: a uses 0/8 vCPUs and 950/1000 MiB"))
    }
}
