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

    /// A local environment of `max` vCPUs and `memory` MiB with `used` vCPUs held.
    static func usage(_ name: String, used: Double = 0, max: Double = 2, memory: Int = 1000) -> EnvironmentUsage {
        EnvironmentUsage(name: name, maxVcpus: max, maxMemory: memory, usedVcpus: used)
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
        /// `place a`, `place f i-1`, `ahead a`, `starting f`, `wait CODE`, `never CODE`; a reason
        /// without AWS's code is given whole.
        var expected: String
        /// The fleets asked, in order.
        var asked: [String] = []
        var testDescription: String { label }
    }

    static let short = FleetOffer.insufficientCapacity(instanceType: "c5.large", detail: "no spot capacity in f")
    static let atMaxvCpus = FleetOffer.unavailable("f runs 4 of its 4 maxvCpus")
    static let tooSmall = FleetOffer.never("no instance type of f holds 1 vCPU and 100 MiB within maxvCpus 0: c5.large (2 vCPUs, 4096 MiB)",
                                           misfit: .jobResourceRequirement)
    static let belowMaxvCpus = FleetOffer.never("f allows 0.5 vCPUs (maxvCpus)", misfit: .computeEnvironmentMaxResource)
    static let maxResource = "MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE"
    static let resourceRequirement = "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT"
    static let capacity = "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY"

    static let cases: [Case] = [
        Case(label: "first local environment with room", environments: [local("a"), local("b")],
             usage: [usage("a", used: 2), usage("b")], expected: "place b"),
        Case(label: "a local environment with room before a fleet: the fleet is not asked", environments: [local("a"), fleet("f")],
             usage: [usage("a")], offers: ["f": .instance("i-1")], expected: "place a"),
        Case(label: "a full local environment falls through to a fleet's instance", environments: [local("a"), fleet("f")],
             usage: [usage("a", used: 2)], offers: ["f": .instance("i-1")], expected: "place f i-1", asked: ["f"]),
        Case(label: "a fleet short of capacity falls through to a local environment", environments: [fleet("f"), local("b")],
             usage: [usage("b")], offers: ["f": short], expected: "place b", asked: ["f"]),
        Case(label: "an instance starting for the job: it waits for it, later environments untried", environments: [fleet("f"), local("b")],
             usage: [usage("b")], offers: ["f": .pending("i-1")], expected: "starting f", asked: ["f"]),
        Case(label: "one fleet short of capacity, then another's instance", environments: [fleet("f"), fleet("g")],
             offers: ["f": short, "g": .instance("i-2")], expected: "place g i-2", asked: ["f", "g"]),
        Case(label: "a DISABLED local environment is passed over", environments: [local("a", enabled: false), local("b")],
             usage: [usage("a"), usage("b")], expected: "place b"),
        Case(label: "a DISABLED fleet is passed over, not asked", environments: [fleet("f", enabled: false), local("b")],
             usage: [usage("b")], offers: ["f": .instance("i-1")], expected: "place b"),
        // AWS has no code for these: plain sentences.
        Case(label: "the only environment, local, DISABLED", environments: [local("a", enabled: false)],
             usage: [usage("a")], expected: "never Every compute environment of job queue q is DISABLED."),
        Case(label: "the only environment, a fleet, DISABLED", environments: [fleet("f", enabled: false)],
             offers: ["f": .instance("i-1")], expected: "never Every compute environment of job queue q is DISABLED."),
        Case(label: "a queue without environments", environments: [], expected: "never Job queue q has no compute environment."),
        Case(label: "no host slot left: it waits at the fleet", environments: [local("a"), fleet("f"), local("b")],
             usage: [usage("a", used: 2), usage("b")], offers: ["f": .instance("i-1")], hostSlots: 0,
             expected: "wait Waiting for a local process slot: 4 of 4 busy."),
        Case(label: "DISABLED, and the other one is full: wait", environments: [local("a", enabled: false), local("b")],
             usage: [usage("a"), usage("b", used: 2)], expected: "wait Waiting for 1 vCPU and 100 MiB: a is DISABLED; b uses 2/2 vCPUs and 0/1000 MiB."),
        Case(label: "a fleet at its maxvCpus: wait", environments: [fleet("f")], offers: ["f": atMaxvCpus],
             expected: "wait Waiting for 1 vCPU and 100 MiB: f runs 4 of its 4 maxvCpus.", asked: ["f"]),
        Case(label: "one fleet short, a local one full: not every environment is short, so no AWS code", environments: [fleet("f"), local("b")],
             usage: [usage("b", used: 2)], offers: ["f": short],
             expected: "wait Waiting for 1 vCPU and 100 MiB: no spot capacity in f; b uses 2/2 vCPUs and 0/1000 MiB.", asked: ["f"]),
        Case(label: "the claim-ahead budget is used: wait", environments: [local("a")],
             usage: [usage("a", used: 2)], ahead: 2, expected: "wait Waiting for 1 vCPU and 100 MiB: a uses 2/2 vCPUs and 0/1000 MiB."),
        // AWS's codes.
        Case(label: "every environment that could hold it is short of spot capacity", environments: [fleet("f", enabled: false), fleet("g")],
             offers: ["g": short], expected: "wait \(capacity)", asked: ["g"]),
        Case(label: "too big for one, the other short of capacity", environments: [local("a"), fleet("f")],
             usage: [usage("a", max: 0.5)], offers: ["f": short], expected: "wait \(capacity)", asked: ["f"]),
        Case(label: "every enabled environment's maxvCpus is below the job's vCPUs", environments: [local("a"), fleet("f")],
             usage: [usage("a", max: 0.5)], offers: ["f": belowMaxvCpus], expected: "never \(maxResource)", asked: ["f"]),
        Case(label: "DISABLED, and the other one's maxvCpus is too small", environments: [fleet("f", enabled: false), local("b")],
             usage: [usage("b", max: 0.5)], expected: "never \(maxResource)"),
        Case(label: "more memory than the machine has", environments: [local("a")],
             usage: [usage("a", memory: 50)], expected: "never \(resourceRequirement)"),
        Case(label: "maxvCpus too small for one, no instance type fits in the other", environments: [local("a"), fleet("f")],
             usage: [usage("a", max: 0.5)], offers: ["f": tooSmall], expected: "never \(resourceRequirement)", asked: ["f"]),
        Case(label: "full: claimed ahead on the first that could hold it", environments: [local("a"), local("b")],
             usage: [usage("a", used: 2), usage("b", used: 2)], ahead: 0, expected: "ahead a"),
        Case(label: "claimed ahead past one that can never hold it", environments: [local("a"), local("b")],
             usage: [usage("a", max: 0.5), usage("b", used: 2)], ahead: 0, expected: "ahead b"),
        Case(label: "claimed ahead past a DISABLED one", environments: [local("a", enabled: false), local("b")],
             usage: [usage("a"), usage("b", used: 2)], ahead: 0, expected: "ahead b"),
        Case(label: "claimed ahead once the fleets before are short", environments: [fleet("f"), local("b")],
             usage: [usage("b", used: 2)], offers: ["f": short], ahead: 0, expected: "ahead b", asked: ["f"]),
        Case(label: "never is not claimed ahead", environments: [local("a")],
             usage: [usage("a", max: 0.5)], ahead: 0, expected: "never \(maxResource)"),
    ]

    /// Decides with `fixture`'s answers; returns the decision and the fleets asked, in order.
    static func decide(_ fixture: Case, capacity: inout PlacementCapacity) -> (PlacementDecision, asked: [String]) {
        var asked: [String] = []
        let decision = PlacementDecision.decide(need: need, queue: "q", environments: fixture.environments, capacity: &capacity) { name in
            asked.append(name)
            return fixture.offers[name] ?? .never("\(name) has no offer", misfit: .jobResourceRequirement)
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
        let code = { (reason: String) in RunnableReason.code(of: reason) ?? reason }
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
        #expect(local == .never(reason: "Every compute environment of job queue q is DISABLED."))
        #expect(fleet == local)
        for kind in [PlacementEnvironment.Kind.local, .fleet] {
            var capacity = PlacementCapacity(usage: ["a": Self.usage("a"), "b": Self.usage("b", used: 2)], hostSlots: 1)
            let decision = PlacementDecision.decide(need: Self.need, queue: "q", environments: [PlacementEnvironment(name: "a", enabled: false, kind: kind), Self.local("b")],
                                                    capacity: &capacity) { _ in .instance("i-1") }
            #expect(decision == .wait(reason: "Waiting for 1 vCPU and 100 MiB: a is DISABLED; b uses 2/2 vCPUs and 0/1000 MiB."))
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
        #expect(reason.hasPrefix("""
            MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT - The job resource requirement (vCPU/memory/GPU) is higher than that can be met by \
            the CE(s) attached to the job queue. The job asks 8 vCPUs and 0 MiB: a allows 0.5 vCPUs and 1000 MiB; no instance type of f
            """))
    }

    /// AWS's texts, word for word, then Drover's detail.
    @Test func reasonsStartWithAWSsCodeAndText() {
        var capacity = PlacementCapacity(usage: ["a": Self.usage("a", max: 2)], hostSlots: 1)
        let tooMany = PlacementDecision.decide(need: ResourceNeed(vcpus: 8, memory: 0), queue: "q", environments: [Self.local("a")],
                                               capacity: &capacity) { _ in .instance("i-1") }
        #expect(tooMany == .never(reason: """
            MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE - CE(s) associated with the job queue cannot meet the CPU requirement of the job. \
            The job asks 8 vCPUs and 0 MiB: a allows 2 vCPUs and 1000 MiB.
            """))
        let short = PlacementDecision.decide(need: Self.need, queue: "q", environments: [Self.fleet("f"), Self.fleet("g")], capacity: &capacity) { name in
            .insufficientCapacity(instanceType: name == "f" ? "c5.large" : "m5.large", detail: "no spot capacity in \(name)")
        }
        #expect(short == .wait(reason: """
            CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY - Service cannot fulfill the capacity requested for instance type c5.large, m5.large. \
            No spot capacity in f; no spot capacity in g.
            """))
    }

    @Test(arguments: [
        ("MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT - The job resource requirement ...", "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT"),
        ("CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY", "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY"),
        ("UNDETERMINED - Batch job is blocked, root cause is undetermined.", "UNDETERMINED"),
        ("Waiting for a local process slot: all 4 are busy.", nil),
        ("Essential container in task exited", nil),
        ("MISCONFIGURATION:X-Y - text", nil),
        ("", nil),
    ] as [(String, String?)])
    func codesAreReadFromTheReasonsHead(reason: String, code: String?) {
        #expect(RunnableReason.code(of: reason) == code)
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
            "place a", "place a", "ahead a", "ahead a", "wait Waiting for 1 vCPU and 100 MiB: a uses 2/2 vCPUs and 200/1000 MiB.",
        ])
        #expect(local.usage["a"]?.usedVcpus == 2 && local.ahead["a"]?.usedVcpus == 2)
        var mixed = PlacementCapacity(usage: ["a": Self.usage("a")], ahead: ["a": Self.usage("a")], hostSlots: 1)
        // The host slot takes the third; the fourth waits for a slot at the fleet.
        #expect(Self.pass(4, environments: [Self.local("a"), Self.fleet("f")], capacity: &mixed) == [
            "place a", "place a", "place f i-1", "wait Waiting for a local process slot: 1 of 1 busy.",
        ])
        #expect(mixed.hostSlots == 0)
    }

    @Test func memoryCountsToo() {
        var capacity = PlacementCapacity(usage: ["a": EnvironmentUsage(name: "a", maxVcpus: 8, maxMemory: 1000, usedMemory: 950)])
        let decision = PlacementDecision.decide(need: Self.need, queue: "q", environments: [Self.local("a")], capacity: &capacity) { _ in
            .never("", misfit: .jobResourceRequirement)
        }
        #expect(decision == .wait(reason: "Waiting for 1 vCPU and 100 MiB: a uses 0/8 vCPUs and 950/1000 MiB."))
    }
}
