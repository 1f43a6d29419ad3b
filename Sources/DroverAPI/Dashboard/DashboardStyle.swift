import DroverCore

/// The dashboard's style sheet, served from the binary at ``DashboardAssets/stylePath``: one column on a phone, cards
/// side by side on a wider screen; each status has a colour, `--c-LETTER` (the grid's script reads the same).
enum DashboardStyle {
    /// The colour of each status.
    static func colour(_ status: JobStatus) -> String {
        switch status {
        case .submitted: "#9aa5b1"
        case .pending: "#b39ddb"
        case .runnable: "#f0b429"
        case .starting: "#7cc4fa"
        case .running: "#2680c2"
        case .succeeded: "#3ebd93"
        case .failed: "#e12d39"
        }
    }

    static let sheet: String = {
        let variables = JobStatus.allCases.map { "--c-\(StatusRunCode.letter($0)):\(colour($0));" }.joined()
        let classes = JobStatus.allCases.map { ".st-\($0.rawValue){--c:var(--c-\(StatusRunCode.letter($0)))}" }.joined(separator: "\n")
        return ":root{\(variables)}\n" + classes + "\n" + layout
    }()

    static let layout = """
        :root{--bg:#f5f7fa;--fg:#1f2933;--muted:#616e7c;--card:#fff;--line:#dde2e8;--accent:#2680c2;--c:#9aa5b1}
        *{box-sizing:border-box}
        body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:var(--bg);color:var(--fg)}
        a{color:var(--accent)}
        header{background:#1f2933;color:#fff;padding:.55rem 1rem;display:flex;gap:1.2rem;align-items:center;flex-wrap:wrap}
        header a{color:#fff;text-decoration:none}
        header .brand{font-weight:700;letter-spacing:.02em}
        header nav a{margin-right:1rem;opacity:.75;padding-bottom:.1rem}
        header nav a.on{opacity:1;border-bottom:2px solid #fff}
        main,.below{max-width:1150px;margin:0 auto;padding:1rem}
        .below{padding-top:0}
        h1{font-size:1.35rem;margin:.2rem 0 .8rem;word-break:break-word}
        h2{font-size:1.08rem;margin:0 0 .6rem}
        h3{font-size:.95rem;margin:.8rem 0 .4rem}
        section{margin-bottom:1.2rem}
        .cards>section{margin-bottom:0}
        details{margin-top:.4rem}
        details summary{cursor:pointer;color:var(--muted)}
        .cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(330px,1fr));gap:1rem}
        .card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:.9rem 1rem}
        .card h2 a{text-decoration:none;color:inherit}
        .badge{display:inline-block;padding:.05rem .55rem;border-radius:999px;font-size:.78rem;font-weight:600;color:#fff;background:var(--c);white-space:nowrap}
        .st-RUNNABLE.badge,.st-STARTING.badge,.st-PENDING.badge,.st-SUBMITTED.badge{color:#1f2933}
        .counts{list-style:none;padding:0;margin:.5rem 0;display:flex;flex-wrap:wrap;gap:.25rem .9rem}
        .counts li{white-space:nowrap}
        .counts li::before{content:"";display:inline-block;width:.75rem;height:.75rem;border-radius:2px;background:var(--c);margin-right:.3rem;vertical-align:-1px}
        .counts b{font-variant-numeric:tabular-nums}
        svg.bar{width:100%;height:10px;display:block;border-radius:4px;background:#e9edf2;overflow:hidden}
        svg.bar rect{fill:var(--c)}
        .usage{margin:.55rem 0}
        .usage .label{display:flex;justify-content:space-between;gap:.5rem;font-size:.88rem}
        .usage.full svg.bar rect{fill:#d64545}
        table{border-collapse:collapse;width:100%;background:var(--card);font-size:.92rem}
        th,td{text-align:left;padding:.4rem .55rem;border-bottom:1px solid var(--line);vertical-align:top}
        th{font-weight:600;color:var(--muted);font-size:.82rem;text-transform:uppercase;letter-spacing:.03em}
        td time{white-space:nowrap}
        td .kind{display:block;margin-top:.15rem}
        td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
        .scroll{overflow-x:auto;border:1px solid var(--line);border-radius:8px}
        .scroll table{border:0}
        dl.fields{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1.2rem;margin:0}
        dt{color:var(--muted)}
        dd{margin:0;word-break:break-word}
        pre.log{background:#111827;color:#e5e7eb;padding:.8rem;border-radius:6px;max-height:60vh;overflow:auto;white-space:pre-wrap;word-break:break-all;font-size:.82rem;margin:0}
        pre.log:empty::before{content:"(empty)";color:#9aa5b1}
        .stuck{border-left:4px solid var(--c-q);padding:.45rem .7rem;margin:.6rem 0;background:#fffbea;border-radius:0 6px 6px 0}
        .stuck .raw{font-size:.8rem;color:var(--muted);word-break:break-word}
        .note{padding:.6rem 1rem;border-radius:6px;background:#e3f8ff;border:1px solid #7cc4fa;margin-bottom:1rem}
        .note.error{background:#ffe3e3;border-color:#e12d39}
        .failed{border-left:4px solid var(--c-F);background:#fff5f5;padding:.5rem .8rem;border-radius:0 6px 6px 0;margin:.6rem 0;word-break:break-word}
        .actions{display:flex;flex-wrap:wrap;gap:.5rem;margin:.4rem 0 1rem}
        .actions form{margin:0}
        button,.button{font:inherit;padding:.35rem .9rem;border-radius:6px;border:1px solid #9aa5b1;background:#fff;color:var(--fg);cursor:pointer;text-decoration:none;display:inline-block}
        button.danger{border-color:#e12d39;color:#c81d25}
        button:hover,.button:hover{background:#f0f4f8}
        .gridbox{margin:.6rem 0 0}
        canvas.grid{display:block;max-width:100%;cursor:crosshair}
        .gridinfo{font-size:.85rem;color:var(--muted);min-height:1.3em;margin:.3rem 0}
        .filters{display:flex;flex-wrap:wrap;gap:.6rem;align-items:flex-end;margin-bottom:1rem}
        .filters label{display:flex;flex-direction:column;font-size:.8rem;color:var(--muted);gap:.15rem}
        input,select{font:inherit;padding:.3rem .4rem;border:1px solid #bcc5cf;border-radius:4px;background:#fff;max-width:100%}
        .pager{display:flex;gap:1rem;margin:.8rem 0}
        .muted{color:var(--muted)}
        .small{font-size:.85rem}
        code{font-size:.88em;background:#eef1f5;padding:.05rem .3rem;border-radius:3px;word-break:break-all}
        @media (max-width:700px){
          body{font-size:14px}
          main,.below{padding:.6rem}
          .wide{display:none}
          .cards{grid-template-columns:1fr}
          dl.fields{grid-template-columns:1fr;gap:0}
          dt{font-weight:600;margin-top:.5rem;color:var(--fg)}
          header{gap:.6rem}
          header nav a{margin-right:.7rem}
        }
        """
}
