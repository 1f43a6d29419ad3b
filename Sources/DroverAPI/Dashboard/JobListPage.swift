import DroverCore
import DroverStore

/// The job list (`/jobs`): top-level jobs, newest first, a page at a time, filtered by queue, status, name and time.
struct JobListPage {
    var filter: JobListFilter
    var queues: [String]
    var jobs: [JobRecord]
    /// The position after this page, nil on the last page.
    var next: Int64?

    /// Reads the page `filter` asks for.
    static func load(_ store: Store, filter: JobListFilter, queues: [String]) throws(DroverError) -> JobListPage {
        let page = try store.listJobs(filter.query)
        return JobListPage(filter: filter, queues: queues, jobs: page.jobs, next: page.next)
    }

    var live: HTML {
        let rows = jobs.map { job -> HTML in
            let kind: HTML = job.arraySize.map { "<span class=\"kind muted small\">array of \(PageLayout.grouped($0))</span>" } ?? ""
            return """
                <tr><td>\(PageLayout.jobLink(job.jobId, text: job.jobName))<div class="muted small">\(job.jobId)</div></td>\
                <td>\(PageLayout.badge(job.status)) \(kind)</td><td class="wide">\(job.jobQueue)</td>\
                <td class="wide">\(PageLayout.time(job.createdAt))</td><td class="num wide">\(job.arraySize == nil ? String(job.attempts) : "-")</td>\
                <td class="wide small">\(job.statusReason.map(RunnableReason.plainWords))</td></tr>
                """
        }
        let table: HTML = jobs.isEmpty ? "<p class=\"muted\">No job matches.</p>" : """
            <div class="scroll"><table><thead><tr><th>Job</th><th>Status</th><th class="wide">Queue</th><th class="wide">Submitted</th>\
            <th class="num wide">Attempts</th><th class="wide">Reason</th></tr></thead><tbody>\(rows)</tbody></table></div>
            """
        var pager: [HTML] = []
        if filter.after != nil { pager.append("<a href=\"\(link())\">« Newest</a>") }
        if let next { pager.append("<a href=\"\(link(after: next))\">Older »</a>") }
        return """
            <h1>Jobs</h1>
            \(form)
            \(table)
            <div class="pager">\(pager)</div>
            """
    }

    /// This filter's list from `after` on.
    func link(after: Int64? = nil) -> String {
        let parameters = filter.parameters + (after.map { [("after", String($0))] } ?? [])
        return "/jobs" + (parameters.isEmpty ? "" : "?" + QueryString.encode(parameters))
    }

    var form: HTML {
        func options(_ values: [String], selected: String?, any: String) -> HTML {
            HTML.join(["<option value=\"\">\(any)</option>"] + values.map { value in
                "<option value=\"\(value)\"\(value == selected ? HTML(" selected") : "")>\(value)</option>"
            })
        }
        return """
            <form class="filters" method="get" action="/jobs">
            <label>Queue<select name="queue">\(options(queues, selected: filter.queue, any: "any queue"))</select></label>
            <label>Status<select name="status">\(options(JobStatus.allCases.map(\.rawValue), selected: filter.status?.rawValue, any: "any status"))</select></label>
            <label>Name begins with<input name="name" value="\(filter.name)" size="14" maxlength="128"></label>
            <label>Submitted since<input name="since" value="\(filter.sinceText)" size="16" placeholder="2h or 2026-12-01"></label>
            <button type="submit">Filter</button>
            </form>
            """
    }

    /// Events that matter to this list: its queue's, or every one.
    var updates: PageLayout.Live {
        PageLayout.Live(filter: filter.queue.map { [("queue", $0)] } ?? [])
    }
}
