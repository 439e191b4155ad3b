# A local stand-in for node:24-bookworm-slim (no registry here), for building
# docker/Dockerfile.add-to-existing as documented: Debian bookworm with the `node` user (uid 1000,
# as in the real image), an `npm` that only says what it was asked, and an `openclaw` that idles.
# tests/container/documented.sh tags it node:24-bookworm-slim.
FROM debian:bookworm-slim
RUN useradd --uid 1000 --create-home --shell /bin/bash node \
 && printf '#!/bin/sh\necho "npm (stand-in): $*"\n' > /usr/local/bin/npm \
 && printf '#!/bin/sh\necho "openclaw (stand-in): $*"\nexec sleep infinity\n' > /usr/local/bin/openclaw \
 && chmod 755 /usr/local/bin/npm /usr/local/bin/openclaw
