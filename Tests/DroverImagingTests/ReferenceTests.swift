import Foundation
import Testing
@testable import DroverImaging

/// Resize and every filter compared with Pillow's output on a real photograph (a Debian wallpaper, fetched by
/// scripts/fetch-test-images; Pillow installed by scripts/test). Outputs are compared as lossless PNGs.
///
/// Floors (PSNR, dB): Lanczos3 resize ≥ 60 (measured 80–96: the same filter, rounding apart); premultiplied RGBA
/// resize ≥ 48; Gaussian blur ≥ 45 and unsharp mask ≥ 40 (Pillow approximates the Gaussian with box blurs, Drover
/// convolves with the true kernel); grayscale ≥ 60; brightness, contrast, saturation ≥ 48; rotations and mirrorings
/// bit-exact. The whole thumbnail pipeline (DCT shrink-on-load, box pre-shrink, Lanczos3) against Pillow's full
/// decode and one Lanczos resize: ≥ 42 (measured 50–55).
struct ReferenceTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The first wallpaper JPEG, decoded at 1/4 size: real photographic detail at a size the debug build is quick on.
    static func photo() throws -> Raster {
        let folder = root.appendingPathComponent("test-images/wallpapers").path
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder))?.filter { $0.hasSuffix(".jpg") }.sorted() ?? []
        guard let first = names.first else {
            throw TestFailure("no test photographs in \(folder): run scripts/fetch-test-images (scripts/test does)")
        }
        return try ImageReader(bytes: FileBytes(path: folder + "/" + first)).decode(shrink: 4)
    }

    struct TestFailure: Error, CustomStringConvertible {
        var description: String
        init(_ text: String) { description = text }
    }

    static func pillow(_ input: Raster, folder: ImageMaker.Folder) throws {
        let path = try folder.write("input.png", try PNGWriter.encode(input, options: { var o = EncodeOptions(); o.pngEffort = .fast; return o }()))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", root.appendingPathComponent("scripts/pillow-reference.py").path, path, folder.path]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        process.waitUntilExit()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw TestFailure("Pillow reference script failed (pip install pillow; scripts/test does): \(message)")
        }
    }

    static func load(_ folder: ImageMaker.Folder, _ name: String) throws -> Raster {
        try ImageReader(bytes: FileBytes(path: folder.path + "/" + name + ".png")).decode()
    }

    @Test func resizeAndFiltersMatchPillow() throws {
        let photo = try Self.photo()
        let folder = ImageMaker.Folder()
        try Self.pillow(photo, folder: folder)
        let (w, h) = (photo.width, photo.height)
        let cases: [(String, Double, (Raster) -> Raster)] = [
            ("resize-half", 60, { $0.resized(width: w / 2, height: h / 2) }),
            ("resize-small", 60, { $0.resized(width: 150, height: Int((Double(h) * 150 / Double(w)).rounded())) }),
            ("resize-up", 60, { $0.resized(width: Int((Double(w) * 1.4).rounded()), height: Int((Double(h) * 1.4).rounded())) }),
            ("blur", 45, { $0.blurred(sigma: 2) }),
            ("sharpen", 40, { $0.sharpened(sigma: 2, amount: 1.5, threshold: 3) }),
            ("grayscale", 60, { $0.grayscale() }),
            ("brightness", 48, { $0.brightness(1.3) }),
            ("contrast", 48, { $0.contrast(1.4) }),
            ("saturation", 48, { $0.saturation(1.6) }),
            ("rotate90", .infinity, { $0.transformed(.rotate90) }),
            ("rotate180", .infinity, { $0.transformed(.rotate180) }),
            ("rotate270", .infinity, { $0.transformed(.rotate270) }),
            ("flip", .infinity, { $0.transformed(.flip) }),
            ("flop", .infinity, { $0.transformed(.flop) }),
        ]
        var lines: [String] = []
        for (name, floor, operation) in cases {
            let psnr = ImageMaker.psnr(operation(photo), try Self.load(folder, name))
            lines.append("\(name): \(String(format: "%.1f", psnr)) dB")
            #expect(psnr >= floor, "\(name): PSNR \(psnr) dB is under the floor of \(floor) dB")
        }
        let rgba = try Self.load(folder, "rgba-input")
        let psnr = ImageMaker.psnr(rgba.resized(width: w / 3, height: h / 3), try Self.load(folder, "rgba-resize"))
        lines.append("rgba-resize: \(String(format: "%.1f", psnr)) dB")
        #expect(psnr >= 48, "premultiplied RGBA resize: \(psnr) dB")
        print("PSNR against Pillow:\n  " + lines.joined(separator: "\n  "))
    }

    /// The thumbnail pipeline on full-size wallpapers (JPEG shrunk on load, PNG box-shrunk while decoding) against
    /// Pillow's full decode and one Lanczos3 resize.
    @Test func thumbnailPipelineMatchesPillow() throws {
        let folder = Self.root.appendingPathComponent("test-images/wallpapers").path
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
        let picks = [names.first { $0.hasSuffix(".jpg") }, names.first { $0.hasSuffix(".png") }].compactMap { $0 }
        guard picks.count == 2 else { throw TestFailure("no test photographs in \(folder): run scripts/fetch-test-images") }
        var output = OutputSpec(name: "thumb", steps: [.resize(ResizeSpec(width: 320, height: 320))], format: .png)
        output.file = try FileTemplate("{name}.{ext}")
        let work = ImageMaker.Folder()
        for name in picks {
            let result = ImageProcessor(recipe: Recipe(outputs: [output])).process(inputPath: folder + "/" + name, relative: name, outputRoot: work.path)
            let ours = try ImageReader(bytes: FileBytes(path: work.path + "/" + result.outputs[0].path)).decode()
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [
                "python3", Self.root.appendingPathComponent("scripts/pillow-reference.py").path, "--thumbnail", folder + "/" + name,
                work.path + "/pillow.png", "\(ours.width)", "\(ours.height)",
            ]
            try process.run()
            process.waitUntilExit()
            let reference = try ImageReader(bytes: FileBytes(path: work.path + "/pillow.png")).decode()
            let psnr = ImageMaker.psnr(ours.channels == 4 ? ours.flattened() : ours, reference.channels == 4 ? reference.flattened() : reference)
            print("thumbnail pipeline vs Pillow, \(name): \(String(format: "%.1f", psnr)) dB")
            #expect(psnr >= 42, "\(name): \(psnr) dB")
        }
    }
}
