import ArgumentParser
import DroverCore
import DroverImaging
import Foundation

/// `drover image info FILE...`: what each file is, and whether it decodes completely.
struct ImageInfo: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Show each image's format, size and color model, and check that it decodes completely.",
        discussion: "Reads JPEG, PNG, WebP, AVIF and HEIC. Exit status 1 when any file is not one of them or does not decode completely.")

    @Argument(help: "Image files.") var files: [String]

    func run() throws {
        var failed = 0
        for argument in files {
            let path = RawArgument.path(argument)
            let line: String
            do throws(ImageError) {
                let reader = try ImageReader(bytes: try FileBytes(path: path))
                let header = reader.header
                _ = try reader.decode()
                var facts = [
                    header.format.rawValue, "\(header.width)x\(header.height)", header.colorModel,
                    "\(header.bitDepth)-bit",
                ]
                if header.orientation != .up { facts.append("orientation \(header.orientation.rawValue)") }
                if header.progressive { facts.append("progressive") }
                if header.interlaced { facts.append("interlaced") }
                if let icc = reader.color.icc, let summary = reader.colorManagement.summary {
                    facts.append("ICC \(icc.count) bytes, \(summary)")
                }
                line = "\(path.display): \(facts.joined(separator: ", ")): ok"
            } catch {
                failed += 1
                line = "\(path.display): \(error)"
            }
            try Printer.out(line)
        }
        if failed > 0 { throw ExitCode(1) }
    }
}
