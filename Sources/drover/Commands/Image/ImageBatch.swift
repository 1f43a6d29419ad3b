import ArgumentParser
import DroverCore
import DroverImaging
import Foundation
import Synchronization

/// `drover image --recipe R --input DIR --output DIR`: a recipe over a folder tree.
struct ImageBatch: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "process",
        abstract: "Apply a recipe to every image under a folder (the default `drover image` command).",
        discussion: """
            The folder layout is mirrored under --output. Every entry under --input gets one line in a JSON-lines \
            report (--report, by default OUTPUT/report.jsonl, report-INDEX.jsonl for a shard): ok, up-to-date, \
            skipped (and why) or failed (and why). OUTPUT/manifest.json maps every input to its outputs. Files whose \
            outputs are newer than the file and the recipe are up to date unless --force. Exit status 1 when any \
            entry failed.

            In an array job, AWS_BATCH_JOB_ARRAY_INDEX and AWS_BATCH_JOB_ARRAY_SIZE choose the shard (every \
            INDEX-th entry of the sorted list, counting from entry INDEX). In a Kubernetes Indexed Job, \
            JOB_COMPLETION_INDEX gives the index and DROVER_SHARD_COUNT (or --shard-count) the job's completions.
            """)

    @Option(help: "Recipe file (YAML or JSON).") var recipe: String
    @Option(help: "Input folder (searched recursively) or a single file.") var input: String
    @Option(help: "Output folder.") var output: String
    @Flag(help: "Process files even when their outputs are up to date.") var force = false
    @Option(parsing: .unconditional, help: "Files processed at once (default: the number of cores).") var jobs: Int?
    @Option(help: "JSON-lines report file ('-' for standard output).") var report: String?
    @Option(help: "Manifest of inputs and outputs (default: OUTPUT/manifest.json, manifest-INDEX.json for a shard).")
    var manifest: String?
    @Option(parsing: .unconditional, help: "This run's shard of the sorted file list (default: AWS_BATCH_JOB_ARRAY_INDEX or JOB_COMPLETION_INDEX).")
    var shardIndex: Int?
    @Option(parsing: .unconditional, help: "Number of shards (default: AWS_BATCH_JOB_ARRAY_SIZE or DROVER_SHARD_COUNT).") var shardCount: Int?
    @Option(help: "Pixel memory one worker may use on one image, such as 512MiB or 2GiB (default: the recipe's validate.maxMemory, else 1GiB).")
    var maxMemory: String?
    @Flag(help: "No progress bar or summary.") var quiet = false

    func run() throws {
        var recipe = try RecipeLoader.load(path: self.recipe)
        if let maxMemory {
            guard let bytes = RecipeLoader.byteCount(maxMemory), bytes >= 1 << 20 else {
                throw DroverError("--max-memory must be a size of at least 1MiB and under an exbibyte, such as 512MiB or 2GiB (got '\(maxMemory)')")
            }
            recipe.limits.maxPixelMemory = bytes
        }
        let shard = try Self.shard(index: shardIndex, count: shardCount, environment: ProcessInfo.processInfo.environment)
        let inputPath = RawArgument.path(input), outputPath = RawArgument.path(output)
        var options = BatchOptions(input: inputPath, output: outputPath)
        options.force = force
        if let jobs {
            guard jobs >= 1 else { throw DroverError("--jobs must be at least 1") }
            options.jobs = jobs
        }
        options.recipeModified = (try? FileManager.default.attributesOfItem(atPath: self.recipe)[.modificationDate]) as? Date
        let reportPath = report ?? output + "/" + (shard.map { "report-\($0.index).jsonl" } ?? "report.jsonl")
        let manifestPath = manifest.map(RawArgument.path) ?? outputPath.appending(Manifest.fileName(shard: shard?.index))
        // The report and the manifest replace only files that are a report and a manifest: never a photo, never
        // a web app's own manifest.json.
        do throws(ImageError) {
            _ = try Manifest.read(manifestPath)
        } catch {
            throw DroverError("--manifest: \(error)", exitCode: 1)
        }
        try ReportSink.checkReplaceable(reportPath)
        options.manifest = Manifest.load(folder: outputPath, own: manifestPath)
        let plan: BatchPlan
        do {
            plan = try BatchPlan.make(
                input: inputPath, output: outputPath, recipe: recipe, ownFiles: [PathBytes(reportPath), manifestPath],
                manifest: options.manifest)
        } catch {
            throw DroverError("--input: \(error)")
        }
        let items = shard.map { plan.shard(index: $0.index, count: $0.count) } ?? plan.items
        let sink = try ReportSink(path: reportPath)
        let progress = ImageProgress(total: items.count, enabled: !quiet)
        let started = Date()
        // SIGTERM (AWS Batch's terminate, a spot reclaim), SIGINT and SIGHUP: no new file is started, the ones under
        // way finish, and the manifest and report are written before the exit.
        let stopSignal = Mutex<Int32?>(nil)
        let signals = SignalHandlers { number in stopSignal.withLock { $0 = $0 ?? number } }
        options.shouldStop = { stopSignal.withLock { $0 != nil } }
        let runner = BatchRunner(processor: ImageProcessor(recipe: recipe), options: options)
        let (totals, manifest) = runner.run(items: items) { result, counts in
            sink.write(result)
            progress.update(counts, last: result)
        }
        progress.finish()
        // The manifest first: it records what was written even when the report could not be.
        do throws(ImageError) {
            try AtomicFile.write(manifest.encoded(), to: manifestPath)
        } catch {
            try? sink.close()
            throw DroverError("cannot write the manifest \(manifestPath.display): \(error)", exitCode: 1)
        }
        try sink.close()
        if !quiet {
            let seconds = Date().timeIntervalSince(started)
            let shardText = shard.map { " (shard \($0.index) of \($0.count), \(items.count) of \(plan.items.count) entries)" } ?? ""
            var lines = [
                "\(totals.total) entr\(totals.total == 1 ? "y" : "ies")\(shardText) in \(String(format: "%.2f", seconds)) s: "
                    + "\(totals.ok) ok, \(totals.upToDate) up to date, \(totals.skipped) skipped, \(totals.failed) failed",
                "bytes: \(ImageProgress.size(totals.bytesIn)) in, \(ImageProgress.size(totals.bytesOut)) out; "
                    + "peak memory \(ImageProgress.size(Self.peakResidentBytes()))",
            ]
            if reportPath != "-" { lines.append("report: \(reportPath)") }
            lines.append("manifest: \(manifestPath.display)")
            let out = reportPath == "-" ? OutputFile.standardError : OutputFile.standardOutput
            try out.write(lines.joined(separator: "\n") + "\n")
        }
        withExtendedLifetime(signals) {}
        if let number = stopSignal.withLock({ $0 }) {
            try Printer.note("stopped by \(SignalName.of(number)) after \(totals.done) of \(items.count) entries; run again to do the rest")
            throw ExitCode(128 + number)
        }
        if totals.failed > 0 { throw ExitCode(1) }
    }

    /// The most memory this process has held at once (its peak resident set).
    /// The most memory this process has held resident: `VmHWM` of /proc/self/status, which belongs to this program
    /// alone. `getrusage`'s `ru_maxrss` is kept across `exec`, so it reports the parent's size when a large process
    /// (a test runner, a workflow engine) started this one; it is used only where /proc is missing.
    static func peakResidentBytes() -> Int {
        if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
           let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
           let kib = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") {
            return kib * 1024
        }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss * 1024
    }

    /// The shard from the flags, else from AWS Batch's array variables; nil when neither is set.
    static func shard(index: Int?, count: Int?, environment: [String: String]) throws(DroverError) -> (index: Int, count: Int)? {
        let index = index ?? environment["AWS_BATCH_JOB_ARRAY_INDEX"].flatMap(Int.init)
            ?? environment["JOB_COMPLETION_INDEX"].flatMap(Int.init)
        let count = count ?? environment["AWS_BATCH_JOB_ARRAY_SIZE"].flatMap(Int.init)
            ?? environment["DROVER_SHARD_COUNT"].flatMap(Int.init)
        switch (index, count) {
        case (nil, nil): return nil
        case (let index?, let count?):
            guard count >= 1 else { throw DroverError("the shard count must be at least 1 (got \(count))") }
            guard (0..<count).contains(index) else {
                throw DroverError("shard index \(index) is not between 0 and \(count - 1) (shard count \(count))")
            }
            return (index, count)
        case (_?, nil): throw DroverError("a shard index needs a shard count: pass --shard-count (or set AWS_BATCH_JOB_ARRAY_SIZE, or DROVER_SHARD_COUNT beside JOB_COMPLETION_INDEX)")
        case (nil, _?): throw DroverError("a shard count needs a shard index: pass --shard-index (or set AWS_BATCH_JOB_ARRAY_INDEX or JOB_COMPLETION_INDEX)")
        }
    }
}
