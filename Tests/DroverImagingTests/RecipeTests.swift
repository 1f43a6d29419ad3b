import DroverCore
import Foundation
import Testing
@testable import DroverImaging

/// Recipes: the example files load, and bad recipes are refused with the file, line and field.
struct RecipeTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func exampleRecipesLoad() throws {
        let web = try RecipeLoader.load(path: Self.root.appendingPathComponent("jobs/recipes/web.yaml").path)
        #expect(web.steps == [.autoOrient])
        #expect(web.outputs.map(\.name) == ["thumb", "large"])
        #expect(web.outputs[0].steps.first == .resize(ResizeSpec(width: 320, height: 320, fit: .inside)))
        #expect(web.outputs[0].format == .jpeg && web.outputs[0].encoding.quality == 82)
        #expect(web.outputs[0].relativePath(forInput: "2024/trip/IMG_1.JPG", format: .jpeg) == "thumbs/2024/trip/IMG_1-thumb.jpg")
        #expect(web.limits.maxPixels == 120_000_000 && web.limits.maxFileBytes == 100 << 20)
    }

    @Test func webpAndAVIFOutputs() throws {
        let recipe = try RecipeLoader.parse(text: """
            validate: {formats: [jpeg, webp, avif, heic]}
            outputs:
              - {name: w, format: webp, quality: 70, steps: [{resize: {width: 100}}]}
              - {name: l, format: webp, lossless: true, steps: [grayscale]}
              - {name: a, format: AVIF, quality: 50, speed: 4, subsampling: "4:4:4", keepICC: true}
              - {name: s, format: same, quality: 90, speed: 2, pngEffort: fast}
            """, path: "r.yaml")
        #expect(recipe.formats == [.jpeg, .webp, .avif, .heic])
        #expect(recipe.outputs[0].format == .webp && recipe.outputs[0].encoding.quality == 70 && !recipe.outputs[0].rewritesInput)
        #expect(recipe.outputs[1].lossless && !recipe.outputs[1].rewritesInput && recipe.outputs[1].steps == [.grayscale])
        #expect(recipe.outputs[2].format == .avif && recipe.outputs[2].encoding.speed == 4 && recipe.outputs[2].encoding.subsampling == .s444)
        #expect(recipe.outputs[2].encoding.quality(for: .avif) == 50 && EncodeOptions().quality(for: .avif) == 60)
        #expect(recipe.outputs[0].relativePath(forInput: "p/IMG_1.HEIC", format: .heic) == "p/IMG_1-w.webp")
        // `same` on a format Drover only reads writes JPEG.
        #expect(recipe.outputs[3].relativePath(forInput: "IMG_2.heic", format: .heic) == "IMG_2-s.jpg")
        #expect(recipe.outputs[3].relativePath(forInput: "x.avif", format: .avif) == "x-s.avif")
    }

    @Test func everyStepParses() throws {
        let recipe = try RecipeLoader.parse(text: """
            steps: [autoOrient, grayscale, flip, flop, {rotate: 90}, {blur: 1.5}, {blur: {sigma: 2}},
                    {sharpen: {sigma: 1, amount: 0.8, threshold: 3}}, sharpen, {brightness: 1.1}, {contrast: 0.9},
                    {saturation: {factor: 1.2}}]
            outputs:
              - {name: small, steps: [{resize: {width: 100, fit: cover, height: 50, enlarge: true}}], format: png, pngEffort: fast}
              - {name: orig, lossless: false, format: same, subsampling: "4:4:4", keepICC: true}
            """, path: "r.yaml")
        #expect(recipe.steps.count == 12)
        #expect(recipe.steps[4] == .rotate(90) && recipe.steps[6] == .blur(sigma: 2) && recipe.steps[8] == .sharpen(sigma: 1, amount: 1, threshold: 0))
        #expect(recipe.outputs[1].encoding.subsampling == .s444 && recipe.outputs[1].encoding.keepICC)
    }

    @Test func fileTemplates() throws {
        let web = try RecipeLoader.parse(text: """
            outputs:
              - {name: web, widths: [320, 640], format: png}
              - {name: tag, file: "{name}.{srcext}-{width}x{height}-{hash}.{ext}", folder: t}
            """, path: "r.yaml")
        let input = PathBytes("2024/IMG_1.JPEG")
        #expect(web.outputs[0].renditions.map { $0.predictedPath(forInput: input, format: .jpeg)?.display }
            == ["2024/IMG_1-web-320.png", "2024/IMG_1-web-640.png"])
        let tag = web.outputs[1].renditions[0]
        #expect(tag.predictedPath(forInput: input, format: .jpeg) == nil, "{height} and {hash} are known only once written")
        #expect(tag.writtenPath(forInput: input, format: .jpeg, width: 30, height: 20, hash: "abc").display == "t/2024/IMG_1.JPEG-30x20-abc.jpg")
        #expect(FileTemplate(literal: PathBytes("a{b}.jpg")).render([:]).display == "a{b}.jpg")
    }

    @Test func namesThatAreNotUTF8AreShownEscaped() {
        #expect(PathBytes(bytes: [0xE9, 0x74, 0xE9] + Array(".jpg".utf8)).display == "\\xE9t\\xE9.jpg")
        #expect(PathBytes(bytes: [0x5C, 0xFF]).display == "\\\\\\xFF", "a backslash is doubled when bytes are escaped")
        #expect(PathBytes("été.jpg").display == "été.jpg", "UTF-8 names are shown as they are")
        #expect(PathBytes("\\xE9t\\xE9.jpg").display == "\\\\xE9t\\\\xE9.jpg", "a backslash is always doubled: no name looks like another")
        #expect(PathBytes("fake\nline\u{1B}[2J.jpg").display == "fake\\x0Aline\\x1B[2J.jpg", "control characters are escaped")
        #expect(PathBytes("a/b/photo.tar.JPG").stem.display == "photo.tar" && PathBytes("a/.hidden").stem.display == ".hidden")
    }

    @Test(arguments: [
        ("outputs: [{name: a, steps: [{resise: {width: 3}}]}]", "r.yaml:1: outputs[0].steps[0]: unknown step 'resise'"),
        ("outputs:\n  - name: a\n    quality: 200", "r.yaml:3: outputs[0].quality: must be between 1 and 100 (got 200)"),
        ("outputs:\n  - name: a\n    colour: red", "r.yaml:3: outputs[0].colour: unknown field"),
        ("steps: [{rotate: 45}]\noutputs: [{name: a}]", "steps[0].rotate: must be 90, 180 or 270"),
        ("steps: [{blur: -1}]\noutputs: [{name: a}]", "steps[0].blur: must be between"),
        ("outputs: [{name: a, steps: [{resize: {fit: inside}}]}]", "needs a width, a height or both"),
        ("outputs: [{name: a, steps: [{resize: {width: 10, fit: fill}}]}]", "fit: must be inside, cover or exact"),
        ("validate: {formats: [gif]}\noutputs: [{name: a}]", "validate.formats[0]: must be jpeg, png, webp, avif or heic"),
        ("validate: {maxFileSize: lots}\noutputs: [{name: a}]", "validate.maxFileSize: must be a size"),
        ("steps: [autoOrient]\noutputs: [{name: a, lossless: true}]", "a lossless output rewrites the file as it is"),
        ("outputs: [{name: a, file: 'x.jpg'}]", "must contain {name}"),
        ("outputs: [{name: a, folder: ../up}]", "must be a relative folder"),
        ("outputs: [{name: a, file: '{name}.{ext}'}, {name: b, file: '{name}.{ext}'}]", "writes the same files as output 'a'"),
        ("outputs:\n  - name: a\n    file: '{name}-{size}.{ext}'", "r.yaml:3: outputs[0].file: unknown placeholder {size}; the placeholders are {name}, {output}, {ext}, {srcext}, {width}, {height}, {hash}"),
        ("outputs: [{name: a, file: '{name-{ext}'}]", "outputs[0].file: '{' without a closing '}'"),
        ("outputs: [{name: a, widths: [320, 640], file: '{name}-{output}.{ext}'}]", "must contain {width} (or {hash}) to tell the widths apart"),
        ("outputs: [{name: a, widths: [320, 320]}]", "outputs[0].widths: lists a width twice"),
        ("outputs: [{name: a, widths: []}]", "outputs[0].widths: needs at least one width"),
        ("outputs: [{name: a, widths: [0]}]", "outputs[0].widths[0]: must be between 1 and 65500"),
        ("outputs: [{name: a, widths: [320], steps: [{resize: {width: 10}}]}]", "remove the output's own resize step"),
        ("outputs: [{name: a, widths: [320], lossless: true}]", "a lossless output keeps the input's size"),
        ("steps: []", "outputs: is required"),
        ("outputs: [", "malformed YAML/JSON"),
        ("outputs: [{name: a, format: webp, subsampling: '4:4:4'}]", "r.yaml:1: outputs[0].subsampling: does not apply to WebP output (only to JPEG and AVIF)"),
        ("outputs:\n  - name: a\n    format: jpeg\n    speed: 4", "r.yaml:4: outputs[0].speed: does not apply to JPEG output (only to AVIF)"),
        ("outputs: [{name: a, format: png, quality: 80}]", "outputs[0].quality: does not apply to PNG output"),
        ("outputs: [{name: a, format: avif, lossless: true}]", "outputs[0].lossless: AVIF output is lossy only"),
        ("outputs: [{name: a, format: webp, lossless: true, quality: 80}]", "outputs[0].quality: does not apply to a lossless WebP output"),
        ("outputs: [{name: a, format: png, lossless: true}]", "outputs[0].lossless: a lossless JPEG or PNG output keeps the input's format"),
        ("outputs: [{name: a, format: heic}]", "outputs[0].format: must be jpeg, png, webp, avif or same (got 'heic')"),
        ("outputs: [{name: a, format: avif, speed: 11}]", "outputs[0].speed: must be between 0 and 10"),
    ])
    func badRecipesAreRefused(text: String, expected: String) {
        #expect {
            _ = try RecipeLoader.parse(text: text, path: "r.yaml")
        } throws: { error in
            let message = (error as? DroverError)?.message ?? ""
            let ok = message.contains(expected) && message.contains("r.yaml")
            if !ok { Issue.record("message was: \(message)") }
            return ok
        }
    }
}
