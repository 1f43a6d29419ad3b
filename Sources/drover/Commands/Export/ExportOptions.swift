import ArgumentParser
import DroverCore
import Foundation

/// What every `drover export` takes: the job file, where to write, parameters and a default image.
struct ExportOptions: ParsableArguments {
    @Argument(help: "Job file (YAML or JSON), as `drover run` takes it.")
    var file: String

    @Option(name: [.customShort("o"), .long], help: "A folder to write one file per object into, or - for standard output.")
    var output = "-"

    @Option(name: [.customShort("p"), .customLong("parameter")], help: "Parameter k=v for Ref::k in every job of the file (repeatable).")
    var parameters: [String] = []

    @Option(help: "Image of the job definitions that name none (Kubernetes and AWS both need one).")
    var image: String?

    /// The file, read and checked as `drover run` reads it.
    func load() throws(DroverError) -> ResourceFile {
        try DocumentLoader.load(path: file)
    }

    /// The `-p` values.
    func parameterValues() throws(DroverError) -> [String: String] {
        try Submit.pairs(parameters, option: "--parameter") ?? [:]
    }

    /// Reports `notes` on standard error, one a line.
    func report(_ notes: [ExportNote]) throws(DroverError) {
        for note in notes { try Printer.note(note.description) }
    }

    /// Writes `stream` to standard output with `--output -`, else each of `files` (name and text) into the folder,
    /// which is made when missing.
    func write(stream: @autoclosure () throws(DroverError) -> String, files: [(name: String, text: String)]) throws(DroverError) {
        if output == "-" {
            return try OutputFile.standardOutput.write(try stream())
        }
        let folder = URL(fileURLWithPath: output)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw DroverError("--output \(output): cannot make the folder (\(error.localizedDescription))", exitCode: 1)
        }
        for (name, text) in files {
            let url = folder.appendingPathComponent(name)
            do {
                try Data(text.utf8).write(to: url, options: .atomic)
            } catch {
                throw DroverError("\(url.path): cannot write the file (\(error.localizedDescription))", exitCode: 1)
            }
        }
        try Printer.note("wrote \(files.count) file\(files.count == 1 ? "" : "s") into \(output)")
    }
}
