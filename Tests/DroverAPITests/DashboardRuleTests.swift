@testable import DroverAPI
import DroverCore
@testable import DroverStore
import Testing

/// The dashboard's pure rules, from tables: escaping, query strings, the form token, the cross-site checks, the job
/// list's filters, the array grid's encoding, the routes and the notes after a button.
@Suite struct DashboardRuleTests {
    @Test(arguments: [
        ("plain", "plain"), ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("a & b", "a &amp; b"), ("\"quoted\" 'single'", "&quot;quoted&quot; &#39;single&#39;"), ("é ☃ 🚀", "é ☃ 🚀"),
        ("&amp;", "&amp;amp;"),
    ])
    func escaping(text: String, expected: String) {
        #expect(HTML.escape(text) == expected)
    }

    @Test func interpolatedValuesAreEscapedAndMarkupIsKept() {
        let name = "<img src=x onerror=alert(1)>"
        let inner: HTML = "<b>\(name)</b>"
        let page: HTML = "<p title=\"\(name)\">\(inner)\(Optional<String>.none)\(42)</p>"
        #expect(page.text == "<p title=\"&lt;img src=x onerror=alert(1)&gt;\"><b>&lt;img src=x onerror=alert(1)&gt;</b>42</p>")
    }

    @Test(arguments: [
        ("", [String: String]()), ("a=1&b=2", ["a": "1", "b": "2"]), ("name=x+y%20z", ["name": "x y z"]),
        ("a=1&a=2", ["a": "1"]), ("flag&x=", ["flag": "", "x": ""]), ("q=%3Cb%3E&bad=%zz&cut=%4", ["q": "<b>", "bad": "%zz", "cut": "%4"]),
        ("id=abc%3A3", ["id": "abc:3"]), ("=orphan&&k=v", ["k": "v"]), ("u=%C3%A9", ["u": "é"]),
    ])
    func queryStrings(text: String, expected: [String: String]) {
        #expect(QueryString.parse(text) == expected)
    }

    @Test func encodedQueriesReadBack() {
        let parameters = [("queue", "high & low"), ("name", "a+b/c?d=é"), ("job", "k3x9:7")]
        let text = QueryString.encode(parameters)
        #expect(text == "queue=high%20%26%20low&name=a%2Bb%2Fc%3Fd%3D%C3%A9&job=k3x9:7")
        #expect(QueryString.parse(text) == Dictionary(uniqueKeysWithValues: parameters))
    }

    @Test func theFormTokenIsAKeyedDigestCheckedWhole() {
        let token = DashboardToken(secret: "secret-one")
        #expect(token.value.count == 64 && token.value.allSatisfy(\.isHexDigit))
        #expect(token.value == DashboardToken(secret: "secret-one").value, "the same key gives the same token")
        #expect(token.value != DashboardToken(secret: "secret-two").value, "another key, another token")
        let wrongLast = String(token.value.dropLast()) + (token.value.last == "0" ? "1" : "0")
        for (candidate, accepted) in [(token.value, true), (nil, false), ("", false), (String(token.value.dropLast()), false),
                                      (wrongLast, false), (token.value + "0", false), (token.value.uppercased(), token.value == token.value.uppercased())] as [(String?, Bool)] {
            #expect(token.accepts(candidate) == accepted, "\(candidate ?? "nil")")
        }
    }

    @Test(arguments: [
        // method, Host, Origin, Sec-Fetch-Site, loopback only, refused
        ("GET", "127.0.0.1:8765", nil, nil, true, false),
        ("GET", "localhost:8765", nil, nil, true, false),
        ("GET", "[::1]:8765", nil, nil, true, false),
        ("GET", "127.0.0.1", nil, nil, true, false),
        ("GET", "attacker.example:8765", nil, nil, true, true),
        ("GET", "127.0.0.1.attacker.example", nil, nil, true, true),
        ("GET", nil, nil, nil, true, true),
        ("GET", "attacker.example", nil, nil, false, false),
        ("GET", "127.0.0.1:8765", "http://attacker.example", "cross-site", true, false),
        ("POST", "127.0.0.1:8765", nil, nil, true, false),
        ("POST", "127.0.0.1:8765", "http://127.0.0.1:8765", "same-origin", true, false),
        ("POST", "127.0.0.1:8765", nil, "none", true, false),
        ("POST", "127.0.0.1:8765", "http://attacker.example", nil, true, true),
        ("POST", "127.0.0.1:8765", "http://127.0.0.1:9999", nil, true, true),
        ("POST", "127.0.0.1:8765", "null", nil, true, true),
        ("POST", "127.0.0.1:8765", nil, "cross-site", true, true),
        ("POST", "127.0.0.1:8765", nil, "same-site", true, true),
        ("POST", "batch.example:80", "http://batch.example:80", "same-origin", false, false),
    ] as [(String, String?, String?, String?, Bool, Bool)])
    func crossSiteRequestsAreRefused(method: String, host: String?, origin: String?, fetchSite: String?, loopbackOnly: Bool, refused: Bool) {
        let refusal = RequestGuard.refusal(method: method, host: host, origin: origin, fetchSite: fetchSite, loopbackOnly: loopbackOnly)
        #expect((refusal != nil) == refused, "\(refusal ?? "served")")
    }

    static let now: EpochMillis = 1_764_547_200_000  // 2025-12-01T00:00:00Z

    @Test(arguments: [
        ("2h", now - 7_200_000), ("90s", now - 90_000), ("30m", now - 1_800_000), ("7d", now - 604_800_000), ("0s", now),
        ("2025-12-01", now), ("2025-12-01T08:30", now + 30_600_000), ("2025-12-01T08:30:05Z", now + 30_605_000),
        ("2025-11-30T23:59:59", now - 1000),
        ("yesterday", nil), ("2h30m", nil), ("-2h", nil), ("2025-13-01", nil), ("2025-02-30", nil), ("2025-12-1", nil),
        ("2025-12-01T24:00", nil), ("2025-12-01T08", nil), ("99999999999999d", nil), ("", nil),
    ] as [(String, EpochMillis?)])
    func times(text: String, expected: EpochMillis?) {
        #expect(JobListFilter.parseTime(text, now: Self.now) == expected)
    }

    @Test func filtersAreReadFromTheQueryAndBadOnesNamed() throws {
        let queues = ["default", "high"]
        let filter = try JobListFilter.parse(["queue": "high", "status": "runnable", "name": " thumbs ", "since": "1h", "after": "42", "page": "x"],
                                             queues: queues, now: Self.now)
        #expect(filter == JobListFilter(queue: "high", status: .runnable, name: "thumbs", since: Self.now - 3_600_000, sinceText: "1h", after: 42))
        #expect(filter.query.createdAfter == Self.now - 3_600_001 && filter.query.limit == JobListFilter.pageSize && filter.query.namePrefix)
        #expect(try JobListFilter.parse(["queue": "", "status": ""], queues: queues, now: Self.now) == JobListFilter())
        for (parameters, named) in [(["queue": "nope"], "queue: there is no job queue 'nope'"), (["status": "DONE"], "status: 'DONE'"),
                                    (["since": "soon"], "since: 'soon'"), (["after": "-3"], "after:"),
                                    (["name": String(repeating: "n", count: 129)], "name: at most 128")] {
            #expect {
                try JobListFilter.parse(parameters, queues: queues, now: Self.now)
            } throws: { error in
                (error as? DashboardError).map { $0.status == 400 && $0.message.hasPrefix(named) } ?? false
            }
        }
    }

    @Test(arguments: [
        ([(JobStatus.succeeded, 97), (.failed, 3), (.runnable, 1)], "S97F3q"),
        ([(JobStatus.failed, 1)], "F"),
        ([], ""),
        ([(JobStatus.submitted, 2), (.pending, 1), (.runnable, 10), (.starting, 1), (.running, 100_000), (.succeeded, 1), (.failed, 12)], "s2pq10tr100000SF12"),
    ] as [([(JobStatus, Int)], String)])
    func statusRuns(runs: [(JobStatus, Int)], text: String) {
        let values = runs.map { ArrayOverview.Run($0.0, $0.1) }
        #expect(StatusRunCode.encode(values) == text)
        #expect(StatusRunCode.decode(text) == values)
    }

    @Test(arguments: ["S0", "X3", "3S", "S-1", "S 2"])
    func textThatIsNoRunsIsRejected(text: String) {
        #expect(StatusRunCode.decode(text) == nil)
    }

    @Test func theOverviewFoldsChildrenIntoRunsRangesAndCounts() {
        var overview = ArrayOverview()
        let failing: Set<Int> = [3, 4, 5, 9, 12]
        for index in 0..<14 {
            let failed = failing.contains(index)
            overview.add(index: index, status: failed ? .failed : index == 13 ? .running : .succeeded, attempts: failed ? 3 : 1,
                         exitCode: failed ? (index == 9 ? 2 : 1) : nil, reason: failed && index == 12 ? Reasons.terminatedByUser : nil,
                         stoppedByRequest: index == 12)
        }
        #expect(StatusRunCode.encode(overview.runs) == "S3F3S3FS2Fr")
        #expect(IndexList.format(overview.failed) == "3-5,9,12")
        #expect(overview.counts == [.succeeded: 8, .failed: 5, .running: 1] && overview.failedCount == 5 && overview.total == 14)
        #expect(overview.attempts == [1: 9, 3: 5])
        #expect(overview.failedExitCodes == [1: 4, 2: 1])
        #expect(overview.failedReasons == [Reasons.containerExited: 4, Reasons.terminatedByUser: 1] && overview.failedByRequest == 1)
    }

    @Test func statusPositionsAreTheOrderOfAllCases() {
        #expect(JobStatus.allCases.enumerated().allSatisfy { ArrayOverview.position($0.element) == $0.offset })
    }

    @Test func aMissingChildIsDrawnAsPending() {
        var overview = ArrayOverview()
        overview.add(index: 0, status: .succeeded, attempts: 1)
        overview.add(index: 3, status: .succeeded, attempts: 1)
        #expect(overview.runs == [.init(.succeeded, 1), .init(.pending, 2), .init(.succeeded, 1)] && overview.total == 4)
    }

    @Test(arguments: [
        ([], ""), ([0], "0"), ([0, 1, 2], "0-2"), ([1, 3, 4, 5, 7, 9, 10], "1,3-5,7,9-10"),
    ] as [([Int], String)])
    func indexRanges(indices: [Int], text: String) throws {
        var ranges: [ClosedRange<Int>] = []
        for index in indices { IndexList.append(index, to: &ranges) }
        #expect(IndexList.format(ranges) == text)
        if !text.isEmpty { #expect(try IndexList.parse(text) == indices, "what retry-failed --index reads back") }
    }

    @Test(arguments: [
        // bytes, cut at start, whole part
        (Array("abc".utf8), false, 0..<3),
        (Array("é".utf8), false, 0..<2),
        (Array("é".utf8).prefix(1).map { $0 }, false, 0..<0),
        ([0xA9] + Array("xy".utf8), true, 1..<3),
        ([0xA9] + Array("xy".utf8), false, 0..<3),
        (Array("a🚀".utf8), false, 0..<5),
        (Array("a🚀".utf8).dropLast(), false, 0..<1),
        (Array("a🚀".utf8).dropFirst(2).map { $0 } + Array("b".utf8), true, 3..<4),
        (Array("ab☃".utf8).dropLast(1).map { $0 }, false, 0..<2),
        ([], true, 0..<0),
    ] as [([UInt8], Bool, Range<Int>)])
    func logPiecesHoldWholeCharacters(bytes: [UInt8], cutAtStart: Bool, expected: Range<Int>) {
        #expect(UTF8Cut.wholeCharacters(bytes[...], cutAtStart: cutAtStart) == expected)
    }

    @Test(arguments: [
        ("/", DashboardRoute.board), ("/jobs", .jobs), ("/jobs/", .jobs), ("/jobs/k3x9m2qd", .job("k3x9m2qd")),
        ("/jobs/k3x9m2qd%3A7", .job("k3x9m2qd:7")), ("/jobs/k3x9m2qd:7/log", .log("k3x9m2qd:7")),
        ("/jobs/k3x9m2qd/terminate", .action("k3x9m2qd", .terminate)), ("/jobs/k3x9m2qd/retry-failed", .action("k3x9m2qd", .retryFailed)),
        ("/static/dashboard-x.css", .asset("/static/dashboard-x.css")), ("/favicon.ico", .favicon),
    ])
    func dashboardPaths(path: String, route: DashboardRoute) {
        #expect(DashboardRoute(path: path) == route)
    }

    @Test(arguments: ["/v1/describejobs", "/v1/events", "/metrics", "/jobs/x/explode", "/jobs/x/log/more", "/jobs//log", "/jobsx"])
    func otherPathsAreLeftToTheAPI(path: String) {
        #expect(DashboardRoute(path: path) == nil)
    }

    @Test(arguments: [
        (["done": "terminate", "stopped": "2", "stopping": "1", "left": "3"], "Terminate: 2 terminated, 1 stopping, 3 left alone (running or finished)."),
        (["done": "cancel", "stopped": "0"], "Cancel: 0 cancelled."),
        (["done": "retry-failed", "retried": "1"], "1 failed child to run again."),
        (["done": "retry-failed", "retried": "4", "left": "2"], "4 failed children to run again; 2 cancelled or terminated left alone (drover retry-failed --include-cancelled)."),
        (["done": "terminate", "stopped": "<script>"], "Terminate: 0 terminated."),
        (["done": "launch"], nil), ([:], nil),
    ] as [([String: String], String?)])
    func notesAfterAButtonTakeOnlyNumbersFromTheLink(parameters: [String: String], note: String?) {
        #expect(JobAction.notice(parameters) == note)
    }

    @Test(arguments: [
        (RunnableReason.computeEnvironmentMaxResource.statusReason(detail: "The job asks 8 vCPUs: small allows 2 vCPUs."),
         RunnableReason.computeEnvironmentMaxResource.plainWords + " (The job asks 8 vCPUs: small allows 2 vCPUs)"),
        (RunnableReason.jobResourceRequirement.statusReason(), RunnableReason.jobResourceRequirement.plainWords),
        (RunnableReason.insufficientCapacity(instanceTypes: ["c5.large"]), RunnableReason.insufficientInstanceCapacity.plainWords + " (c5.large)"),
        (RunnableReason.allDisabled(queue: "q"), RunnableReason.allDisabled(queue: "q")),
        ("MISCONFIGURATION:SOMETHING_NEW - text", "MISCONFIGURATION:SOMETHING_NEW - text"),
    ])
    func reasonsInPlainWords(reason: String, words: String) {
        #expect(RunnableReason.plainWords(reason) == words)
    }
}
