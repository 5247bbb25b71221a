#!/usr/bin/env bash
# Assembles a base image for Jib as a docker-archive tar, from this machine alone (no registry, no Docker):
# a jlink'ed Java 17 runtime at /opt/java/openjdk, the shared libraries it and kade's natives (ONNX Runtime,
# zstd, snappy, lz4) link against, fonts for the report's charts, /bin/sh, /tmp, and a "kade" user (uid 10001).
#
# Why: CI here reaches Maven Central only, so it cannot pull the real base (the digest-pinned
# eclipse-temurin JRE in pom.xml, kade.image.base). Jib accepts a local base as tar://PATH, so CI builds the
# real image layout on this stand-in and checks it (.ci/image-check.sh). Release builds use the pinned base.
#
# Usage: .ci/local-base-image.sh OUT.tar   (after mvn package: the natives are read from target/kade.jar)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?usage: $0 OUT.tar}
jar=target/kade.jar
[ -f "$jar" ] || { echo "build first: $jar missing" >&2; exit 1; }
[ "$(uname -m)" = x86_64 ] || { echo "this script assembles an x86-64 base only" >&2; exit 1; }
jhome=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac || command -v java)")")")}
[ -x "$jhome/bin/jlink" ] || { echo "jlink not found in $jhome (needs a JDK)" >&2; exit 1; }

work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
root=$work/rootfs; mkdir -p "$root/opt/java" "$root/tmp" "$root/etc" "$root/proc"

# The JDK modules kade, Kafka clients and Streams, ONNX Runtime's Java API and the report's charts use.
"$jhome/bin/jlink" --add-modules java.base,java.desktop,java.instrument,java.logging,java.management,java.naming,java.net.http,java.scripting,java.security.jgss,java.security.sasl,java.sql,java.xml,jdk.crypto.ec,jdk.httpserver,jdk.management,jdk.naming.dns,jdk.unsupported,jdk.zipfs \
  --strip-debug --no-header-files --no-man-pages --output "$root/opt/java/openjdk"

# Shared libraries: everything the runtime and the linux-x64 natives in the jar need, with the loader.
mkdir "$work/natives" && (cd "$work/natives" && unzip -q -o "$OLDPWD/$jar" 'ai/onnxruntime/native/linux-x64/*' \
  'linux/amd64/*' 'org/xerial/snappy/native/Linux/x86_64/*' 'net/jpountz/util/linux/amd64/*')
mapfile -t objects < <(find "$root/opt/java/openjdk" "$work/natives" -type f \( -name '*.so' -o -path '*/bin/*' \))
# ... and fontconfig, which the JRE's font manager loads with dlopen (so ldd does not list it).
# awk reads the whole list: exiting at the first match closes the pipe under ldconfig, whose output is about the size of
# a pipe's buffer here, and a SIGPIPE then fails the pipeline (pipefail) now and then.
fontconfig=$("$(command -v ldconfig || echo /sbin/ldconfig)" -p | awk '/libfontconfig\.so\.1 .*x86-64/ && !found {print $NF; found = 1}')
[ -n "$fontconfig" ] || { echo "libfontconfig.so.1 not found (apt-get install fontconfig)" >&2; exit 1; }
objects+=("$fontconfig" "$(readlink -f "$(command -v dash || command -v sh)")"); echo "$fontconfig" >> "$work/libs"
for f in "${objects[@]}"; do ldd "$f" 2>/dev/null || true; done \
  | awk '/=> \//{print $3} /^\t\/.*ld-linux/{print $1}' | sort -u >> "$work/libs"
echo /lib64/ld-linux-x86-64.so.2 >> "$work/libs"
while read -r lib; do
  case "$lib" in "$root"*|"$work"*) continue ;; esac
  mkdir -p "$root$(dirname "$lib")" && cp -L "$lib" "$root$lib"
done < <(sort -u "$work/libs")

# Fonts: the report's charts draw text (fontconfig with DejaVu, as the JRE's font manager expects).
for d in /etc/fonts /usr/share/fonts/truetype/dejavu; do
  [ -d "$d" ] && mkdir -p "$root$(dirname "$d")" && cp -rL "$d" "$root$d"
done

# A POSIX shell as /bin/sh (the Temurin base has one): ONNX Runtime 1.29 runs `sh -c "echo \`blkid; hostname\`"`
# through popen when /etc/machine-id is missing, and crashes (fclose(NULL)) where there is no shell at all.
mkdir -p "$root/bin" && cp -L "$(command -v dash || command -v sh)" "$root/bin/sh"
cp -L /etc/os-release "$root/etc/os-release"
printf 'root:x:0:0:root:/root:/usr/sbin/nologin\nkade:x:10001:10001:kade:/nonexistent:/usr/sbin/nologin\n' > "$root/etc/passwd"
printf 'root:x:0:\nkade:x:10001:\n' > "$root/etc/group"
chmod 1777 "$root/tmp"

python3 - "$root" "$out" <<'EOF'
import hashlib, io, json, os, sys, tarfile
root, out = sys.argv[1], sys.argv[2]
layer = io.BytesIO()
def owner(ti):
    ti.uid = ti.gid = 0; ti.uname = ti.gname = "root"; ti.mtime = 0
    return ti
with tarfile.open(fileobj=layer, mode="w", format=tarfile.PAX_FORMAT) as t:
    for entry in sorted(os.listdir(root)):
        t.add(os.path.join(root, entry), arcname=entry, filter=owner)
data = layer.getvalue()
diff_id = "sha256:" + hashlib.sha256(data).hexdigest()
config = {
    "architecture": "amd64", "os": "linux", "created": "1970-01-01T00:00:00Z",
    "config": {"Env": ["PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                       "JAVA_HOME=/opt/java/openjdk", "LANG=C.UTF-8"]},
    "rootfs": {"type": "layers", "diff_ids": [diff_id]},
    "history": [{"created": "1970-01-01T00:00:00Z", "created_by": ".ci/local-base-image.sh (jlink + host libraries)"}],
}
cfg = json.dumps(config, sort_keys=True).encode()
cfg_name = hashlib.sha256(cfg).hexdigest() + ".json"
manifest = json.dumps([{"Config": cfg_name, "RepoTags": ["kade-local-base:latest"], "Layers": ["layer.tar"]}]).encode()
with tarfile.open(out, "w") as t:
    for name, payload in ((cfg_name, cfg), ("layer.tar", data), ("manifest.json", manifest)):
        ti = tarfile.TarInfo(name); ti.size = len(payload); ti.mtime = 0
        t.addfile(ti, io.BytesIO(payload))
print(f"{out}: {os.path.getsize(out) / 1e6:.1f} MB (one layer, {diff_id[:19]}...)")
EOF
