import ArgumentParser

/// `drover image`: the built-in image pipeline.
struct Image: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate, resize, filter and optimize images in bulk: JPEG, PNG, WebP, AVIF and HEIC in; JPEG, PNG, WebP and AVIF out.",
        discussion: """
            drover image --recipe jobs/recipes/web.yaml --input photos/ --output out/
            drover image resize in.jpg out.jpg --width 800
            drover image optimize in.png out.png --lossless
            drover image info photo.jpg
            """,
        subcommands: [ImageBatch.self, ImageResize.self, ImageOptimize.self, ImageInfo.self],
        defaultSubcommand: ImageBatch.self
    )
}
