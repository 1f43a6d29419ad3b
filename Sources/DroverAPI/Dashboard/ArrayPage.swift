import DroverCore
import DroverStore

/// An array job's page (`/jobs/ARRAY_ID`): counts by status, the failed indices as ranges, a grid of every index drawn
/// by the script from run-length-encoded states, attempts, why children failed, and cost on simulated environments.
/// Its size grows with the changes of state along the indices, not with the number of children.
struct ArrayPage {
    var record: JobRecord
    var overview: ArrayOverview
    var cost: CostSummary?
    var token: String
    var notice: String?

    /// Failed ranges listed as links before the rest is summed up.
    static let linkedRanges = 40
    /// Failed ranges written out as text to copy (`drover retry-failed --index` reads them).
    static let copiedRanges = 1000

    static func load(_ store: Store, record: JobRecord, token: String, notice: String?) throws(DroverError) -> ArrayPage {
        ArrayPage(record: record, overview: try store.arrayOverview(record.jobId), cost: try store.costSummary(ofJob: record.jobId),
                  token: token, notice: notice)
    }

    var live: HTML {
        let size = record.arraySize ?? overview.total
        return """
            \(notice.map { HTML("<div class=\"note\" role=\"status\">\($0)</div>") } ?? "")
            <h1>\(record.jobName) \(PageLayout.badge(record.status))</h1>
            <p class="muted small">Array job \(record.jobId) · \(PageLayout.grouped(size)) children · queue \(record.jobQueue) · \
            submitted \(PageLayout.time(record.createdAt))\(record.stoppedAt.map { HTML(" · ended \(PageLayout.time($0))") } ?? "")</p>
            \(JobAction.buttons(for: record, failed: overview.failedCount, token: token))
            <section class="card"><h2>Children by status</h2>\(PageLayout.stackedBar(overview.counts))\(PageLayout.counts(overview.counts))
            \(failedRanges)
            <div class="gridbox"><canvas class="grid" data-job="\(record.jobId)" data-size="\(size)" data-runs="\(StatusRunCode.encode(overview.runs))" \
            data-info="gridinfo-\(record.jobId)" aria-label="every index coloured by status"></canvas></div>
            <div class="gridinfo" id="gridinfo-\(record.jobId)"></div></section>
            <div class="cards">\(failures)\(attempts)\(costCard)</div>
            """
    }

    /// The failed indices as ranges, each a link to its first child.
    var failedRanges: HTML {
        guard overview.failedCount > 0 else { return "" }
        let shown = overview.failed.prefix(Self.linkedRanges).map { range -> HTML in
            let text = range.count == 1 ? String(range.lowerBound) : "\(range.lowerBound)-\(range.upperBound)"
            return PageLayout.jobLink("\(record.jobId):\(range.lowerBound)", text: text)
        }
        let more = overview.failed.count - shown.count
        let byRequest = overview.failedByRequest > 0
            ? HTML(" <span class=\"muted small\">(\(overview.failedByRequest) of them cancelled or terminated)</span>") : ""
        let copied = overview.failed.prefix(Self.copiedRanges)
        let all: HTML = more > 0 ? """
            <details><summary>… and \(PageLayout.grouped(more)) more ranges</summary><code>\(IndexList.format(Array(copied)))</code>\
            \(overview.failed.count > copied.count ? HTML(" …") : "")</details>
            """ : ""
        return """
            <div class="failed"><b>Failed indices (\(PageLayout.grouped(overview.failedCount))):</b>\(byRequest) \
            <span class="ranges">\(HTML.join(shown, separator: ", "))</span>\(all)</div>
            """
    }

    /// Why children failed: by exit code and by reason, most first.
    var failures: HTML {
        guard overview.failedCount > 0 else { return "" }
        let codes = overview.failedExitCodes.sorted { ($0.value, $1.key ?? -1) > ($1.value, $0.key ?? -1) }.prefix(8).map { code, count -> HTML in
            "<tr><td>\(code.map { "exit \($0)" } ?? "no exit code")</td><td class=\"num\">\(PageLayout.grouped(count))</td></tr>"
        }
        let reasons = overview.failedReasons.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(8).map { reason, count -> HTML in
            "<tr><td>\(reason)</td><td class=\"num\">\(PageLayout.grouped(count))</td></tr>"
        }
        return """
            <section class="card"><h2>Why they failed</h2><table><tbody>\(codes)</tbody></table>
            <h3>Reasons</h3><table><tbody>\(reasons)</tbody></table></section>
            """
    }

    /// Children per number of attempts.
    var attempts: HTML {
        let total = overview.attempts.reduce(0) { $0 + $1.key * $1.value }
        let rows = overview.attempts.sorted { $0.key < $1.key }.map { attempts, count -> HTML in
            "<tr><td>\(attempts) attempt\(attempts == 1 ? "" : "s")</td><td class=\"num\">\(PageLayout.grouped(count)) children</td></tr>"
        }
        return """
            <section class="card"><h2>Attempts</h2><p>\(PageLayout.grouped(total)) attempts in all.</p>
            <table><tbody>\(rows)</tbody></table></section>
            """
    }

    /// What the children cost on simulated instances, and the saving against on-demand.
    var costCard: HTML {
        guard let cost else { return "" }
        return """
            <section class="card"><h2>Cost (simulated)</h2><dl class="fields">
            <dt>Cost</dt><dd>\(CostSummary.dollars(cost.cost))</dd>
            <dt>All on-demand</dt><dd>\(CostSummary.dollars(cost.onDemandCost))</dd>
            <dt>Saving</dt><dd>\(CostSummary.dollars(cost.saving)) (\(CostSummary.percent(cost.savingFraction)))</dd>
            <dt>Interruptions</dt><dd>\(cost.interruptions)</dd></dl></section>
            """
    }
}
