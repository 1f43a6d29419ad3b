import DroverCore
import Testing

/// W3C Trace Context as a receiver reads it, and where a job's spans sit in a trace.
struct TraceContextTests {
    @Test(arguments: [
        ("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", true),
        (" 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00 ", true),
        ("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-future", true),
        ("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra", false),
        ("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", false),
        ("00-00000000000000000000000000000000-00f067aa0ba902b7-01", false),
        ("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", false),
        ("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", false),
        ("00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01", false),
        ("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7", false),
        ("", false),
    ])
    func aTraceparentIsReadAsW3CSays(header: String, valid: Bool) {
        #expect((TraceParent(header) != nil) == valid)
    }

    @Test func aTracestateIsPassedOnWhenItCanBe() {
        #expect(TraceParent.state(" vendor=abc,other=1 ") == "vendor=abc,other=1")
        #expect(TraceParent.state("") == nil && TraceParent.state(nil) == nil)
        #expect(TraceParent.state(String(repeating: "a", count: 513)) == nil)
        #expect(TraceParent.state("a=b\nc=d") == nil)
    }

    @Test func theEnvironmentCarrierNeedsAValidTraceparent() {
        let context = TraceParent.fromEnvironment(["TRACEPARENT": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "TRACESTATE": "k=v"])
        #expect(context?.parent.parentId == "00f067aa0ba902b7" && context?.state == "k=v")
        #expect(TraceParent.fromEnvironment(["TRACEPARENT": "nonsense", "TRACESTATE": "k=v"]) == nil)
    }

    @Test func aJobsSpansNestUnderItsSubmitterAndItsArray() throws {
        let submitted = try #require(TraceParent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"))
        let array = JobTrace(jobId: "abc", submitted: submitted, state: "k=v")
        let child = JobTrace(jobId: "abc:7", submitted: submitted, state: "k=v")
        #expect(array.traceId == submitted.traceId && array.parentSpanId == submitted.parentId && array.flags == "00")
        #expect(child.traceId == submitted.traceId && child.parentSpanId == array.spanId)
        #expect(child.spanId != array.spanId && child.attemptSpanId(1) != child.attemptSpanId(2) && child.attemptSpanId(1) != child.spanId)
        let variables = child.variables(attempt: 2)
        #expect(variables.map(\.name) == ["TRACEPARENT", "TRACESTATE"])
        #expect(variables[0].value == "00-\(submitted.traceId)-\(child.attemptSpanId(2))-00" && variables[1].value == "k=v")
        let own = JobTrace(jobId: "xyz", submitted: nil, state: nil)
        #expect(own.parentSpanId == nil && own.traceId.count == 32 && own.spanId.count == 16 && own.flags == "01")
        #expect(own == JobTrace(jobId: "xyz", submitted: nil, state: nil), "derived from the job's id, the same in every process")
        #expect(own.variables(attempt: 1).count == 1)
    }

    @Test(arguments: [
        ([] as [String], ["TRACEPARENT", "TRACESTATE"]),
        (["TRACESTATE"], ["TRACEPARENT"]),
        // The definition's own TRACEPARENT wins, and the submitter's TRACESTATE (of another trace) does not go with it.
        (["TRACEPARENT"], []),
        (["TRACEPARENT", "TRACESTATE"], []),
    ])
    func aDefinitionsOwnTraceContextWins(defined: [String], given: [String]) throws {
        let submitted = try #require(TraceParent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))
        let trace = JobTrace(jobId: "abc", submitted: submitted, state: "k=v")
        #expect(trace.variables(attempt: 1, besides: Set(defined)).map(\.name) == given)
    }
}
