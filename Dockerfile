# Drover in a container: the engine, the CLI and the image pipeline in one slim image.
#
#   docker build -t drover .
#   docker run --rm --user "$(id -u):$(id -g)" -v "$PWD:/data" drover \
#       run jobs/thumbnails.yaml -p input=/data/photos -p output=/data/site
#
# docs/container.md has the other ways to run it (a long-lived engine, an AWS Batch or Kubernetes job image).
# The base images are build arguments, so a mirror or a local copy can stand in for the public ones.
ARG SWIFT_IMAGE=swift:6.3-bookworm
ARG RUNTIME_IMAGE=debian:bookworm-slim

# ---- dependencies: the Swift toolchain, the -dev packages and the resolved package dependencies ----
FROM ${SWIFT_IMAGE} AS dependencies
RUN export DEBIAN_FRONTEND=noninteractive \
    && apt-get -q update \
    && apt-get -q install -y --no-install-recommends libjpeg62-turbo-dev libpng-dev liblcms2-dev libwebp-dev \
        libavif-dev libheif-dev libsqlite3-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Only the manifest: this layer, with the fetched dependencies, is reused until Package.swift changes,
# so a change under Sources/ does not fetch them again.
COPY Package.swift ./
RUN swift package resolve

# ---- build: a release binary ----
FROM dependencies AS build
# Tests/ only because the manifest names the test targets; just the drover product is built.
COPY Sources ./Sources
COPY Tests ./Tests
# The Swift runtime and Foundation are linked statically: the runtime stage needs only C libraries.
RUN swift build -c release --product drover --static-swift-stdlib \
    && install -D -m 0755 "$(swift build -c release --show-bin-path)/drover" /out/drover \
    && strip /out/drover

# ---- runtime: Debian slim with the libraries the binary links, run as a non-root user ----
FROM ${RUNTIME_IMAGE} AS runtime
# The binary links libjpeg.so.62, libpng16.so.16, liblcms2.so.2, libwebp.so.7 (with libwebpmux.so.3 and
# libwebpdemux.so.2), libavif.so.15 and libheif.so.1 (which bring their codecs: aom, dav1d, libde265, ...),
# libsqlite3.so.0, libstdc++.so.6, libgcc_s.so.1 and glibc.
# State and data are writable by any user: `--user "$(id -u):$(id -g)"` makes the outputs belong to the caller.
RUN export DEBIAN_FRONTEND=noninteractive \
    && apt-get -q update \
    && apt-get -q install -y --no-install-recommends libjpeg62-turbo libpng16-16 liblcms2-2 libwebp7 libwebpmux3 \
        libwebpdemux2 libavif15 libheif1 libsqlite3-0 libstdc++6 libgcc-s1 \
    && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin \
    && useradd --uid 10001 --user-group --home-dir /var/lib/drover --no-create-home --shell /usr/sbin/nologin drover \
    && install -d -o drover -g drover -m 1777 /var/lib/drover /data

COPY --from=build /out/drover /usr/local/bin/drover
# The example job files and recipes; relative paths in jobs are relative to this working directory.
COPY jobs /opt/drover/jobs
WORKDIR /opt/drover

ENV DROVER_STATE_DIR=/var/lib/drover
VOLUME ["/var/lib/drover", "/data"]
USER drover

# Healthy while an engine (`drover serve`, or a `drover run` in progress) holds the state and is alive.
HEALTHCHECK --interval=30s --timeout=10s --start-period=5s --retries=3 CMD ["drover", "health"]

ENTRYPOINT ["drover"]
CMD ["serve"]
