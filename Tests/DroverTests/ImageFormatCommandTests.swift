import DroverImaging
import Foundation
import Testing

/// WebP, AVIF and HEIC through the real binary: the one-file commands take the output format from the extension (or
/// `--format`) and refuse an extension Drover cannot write, writing nothing; a folder run reads all three formats.
@Suite struct ImageFormatCommandTests {
    /// The format of the file at `path`, from its bytes.
    static func format(_ sandbox: Sandbox, _ path: String) throws -> ImageFormat {
        try ImageReader(bytes: FileBytes(path: sandbox.root.appendingPathComponent(path).path)).header.format
    }

    static func exists(_ sandbox: Sandbox, _ path: String) -> Bool {
        FileManager.default.fileExists(atPath: sandbox.root.appendingPathComponent(path).path)
    }

    static func makeInput(_ sandbox: Sandbox) throws {
        let jpeg = try JPEGWriter.encode(ImageCommandTests.gradient(width: 400, height: 300), options: EncodeOptions())
        try Data(jpeg).write(to: sandbox.root.appendingPathComponent("in.jpg"))
    }

    @Test func outputFormatFollowsTheExtension() throws {
        let sandbox = try Sandbox()
        try Self.makeInput(sandbox)
        let cases: [(String, ImageFormat)] = [("a.webp", .webp), ("b.AVIF", .avif), ("c.jpe", .jpeg), ("d.png", .png)]
        for (name, format) in cases {
            let result = try sandbox.drover("image", "resize", "in.jpg", name, "--width", "100")
            #expect(result.status == 0 && result.stdout.contains("\(name): 100x75"), "\(result.stdout)\(result.stderr)")
            #expect(try Self.format(sandbox, name) == format, "\(name)")
        }
        // --format wins over the extension; the quality applies to WebP and AVIF.
        let forced = try sandbox.drover("image", "resize", "in.jpg", "e.bin", "--width", "100", "--format", "webp", "--quality", "50")
        #expect(try forced.status == 0 && Self.format(sandbox, "e.bin") == .webp, "\(forced.stderr)")
        let info = try sandbox.drover("image", "info", "a.webp", "b.AVIF")
        #expect(info.status == 0 && info.stdout.contains("a.webp: webp, 100x75") && info.stdout.contains("b.AVIF: avif, 100x75"), "\(info.stdout)")
        // optimize: a lossless WebP of a JPEG's pixels; AVIF needs a quality.
        let lossless = try sandbox.drover("image", "optimize", "in.jpg", "f.webp")
        #expect(try lossless.status == 0 && Self.format(sandbox, "f.webp") == .webp, "\(lossless.stderr)")
        let avif = try sandbox.drover("image", "optimize", "in.jpg", "g.avif")
        #expect(avif.status != 0 && avif.stderr.contains("AVIF output is lossy only") && !Self.exists(sandbox, "g.avif"))
        let lossy = try sandbox.drover("image", "optimize", "in.jpg", "g.avif", "--quality", "60")
        #expect(try lossy.status == 0 && Self.format(sandbox, "g.avif") == .avif)
    }

    @Test(arguments: ["out.gif", "out.heic", "out.tiff", "out", "photos/out.jpg.bak"])
    func unwritableExtensionsAreRefusedAndNothingIsWritten(_ name: String) throws {
        let sandbox = try Sandbox()
        try Self.makeInput(sandbox)
        for command in [["resize", "in.jpg", name, "--width", "10"], ["optimize", "in.jpg", name, "--quality", "80"]] {
            let result = try sandbox.drover(["image"] + command)
            #expect(result.status != 0, "\(command)")
            #expect(result.stderr.contains(name) && result.stderr.contains(".jpg/.jpeg/.jpe, .png, .webp and .avif"), "\(result.stderr)")
            #expect(!Self.exists(sandbox, name))
        }
        let lossless = try sandbox.drover("image", "optimize", "in.jpg", "x.png")
        #expect(lossless.status != 0 && lossless.stderr.contains("keeps the input's format (JPEG)") && !Self.exists(sandbox, "x.png"), "\(lossless.stderr)")
    }

    /// A folder of WebP, AVIF and HEIC files through a recipe with WebP, AVIF and `same` outputs.
    @Test func folderOfWebPAVIFAndHEIC() throws {
        let sandbox = try Sandbox()
        let photos = sandbox.root.appendingPathComponent("photos")
        try FileManager.default.createDirectory(at: photos, withIntermediateDirectories: true)
        let raster = ImageCommandTests.gradient(width: 160, height: 120)
        try Data(try WebPWriter.encode(raster, options: EncodeOptions())).write(to: photos.appendingPathComponent("a.webp"))
        try Data(try AVIFWriter.encode(raster, options: EncodeOptions())).write(to: photos.appendingPathComponent("b.avif"))
        let png = sandbox.root.appendingPathComponent("c.png")
        try Data(try PNGWriter.encode(raster, options: EncodeOptions())).write(to: png)
        let heifEnc = Process()
        heifEnc.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        heifEnc.arguments = ["heif-enc", "-q", "80", png.path, "-o", photos.appendingPathComponent("c.heic").path]
        heifEnc.standardOutput = FileHandle.nullDevice
        try heifEnc.run()
        heifEnc.waitUntilExit()
        #expect(heifEnc.terminationStatus == 0, "heif-enc (scripts/test installs libheif-examples)")
        let recipe = try sandbox.write("recipe.yaml", """
            validate: {formats: [webp, avif, heic]}
            steps: [autoOrient]
            outputs:
              - {name: w, format: webp, quality: 75, steps: [{resize: {width: 80}}]}
              - {name: a, format: avif, quality: 55, speed: 8, steps: [{resize: {width: 80}}]}
              - {name: s, format: same, steps: [{resize: {width: 40}}]}
            """)
        let run = try sandbox.drover("image", "--recipe", recipe, "--input", "photos", "--output", "out")
        #expect(run.status == 0 && run.stdout.contains("3 ok"), "\(run.stdout)\(run.stderr)")
        for stem in ["a", "b", "c"] {
            #expect(try Self.format(sandbox, "out/\(stem)-w.webp") == .webp)
            #expect(try Self.format(sandbox, "out/\(stem)-a.avif") == .avif)
        }
        #expect(try Self.format(sandbox, "out/a-s.webp") == .webp)
        #expect(try Self.format(sandbox, "out/b-s.avif") == .avif)
        #expect(try Self.format(sandbox, "out/c-s.jpg") == .jpeg, "same on a HEIC writes JPEG")
        let info = try sandbox.drover("image", "info", "photos/a.webp", "photos/b.avif", "photos/c.heic")
        #expect(info.status == 0 && info.stdout.contains("c.heic: heic, 160x120"), "\(info.stdout)")
    }
}
