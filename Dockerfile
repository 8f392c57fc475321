# pyng-conformance in a container, for CI systems that run images.
#
#   docker build -t pyng-conformance .
#   docker run --rm -v "$PWD:/recordings" pyng-conformance \
#       check . --format junit --output pyng-junit.xml
#
# The bundled specs are compiled into the binary; mount the recordings (and any
# --spec files) at /recordings, the working directory. Exit codes are the
# binary's: 0 no error, 1 errors found, 2 usage error or broken spec.

ARG RUST_VERSION=1.95

FROM rust:${RUST_VERSION}-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked -p pyng-conformance-cli \
    && install -D -m 0755 target/release/pyng-conformance /out/pyng-conformance

FROM debian:bookworm-slim AS runtime
# No package is installed: the binary needs glibc only (TLS is rustls with
# bundled roots). A shell stays, so GitLab's `script:` can run in this image.
RUN useradd --system --uid 10001 --user-group --no-create-home --shell /usr/sbin/nologin pyng \
    && mkdir /recordings \
    && chown pyng:pyng /recordings
COPY --from=build /out/pyng-conformance /usr/local/bin/pyng-conformance
USER 10001:10001
WORKDIR /recordings
ENTRYPOINT ["pyng-conformance"]
CMD ["--help"]
