#!/usr/bin/env bash
# Builds the container image with Jib (no Docker engine) on a locally assembled base and checks it:
# size, a non-root user, the entrypoint, exactly one jar (the production jar) and no broker class in it.
# When run as root with chroot available it also starts the image's entrypoint in the unpacked image as
# uid 10001: `--version`, then `train` and `evaluate` on the shipped thyroid split (ONNX Runtime's natives
# load from the image's libraries). Needs target/kade.jar (mvn package) first.
set -euo pipefail
cd "$(dirname "$0")/.."
limit_mb=${KADE_IMAGE_LIMIT_MB:-160}
[ -f target/kade.jar ] || mvn -B -q package -DskipTests

[ -f target/local-base.tar ] && [ -z "${KADE_REBUILD_BASE:-}" ] || bash .ci/local-base-image.sh target/local-base.tar
# Jib runs in the product module (src/main) only; an absolute tar path, since Jib resolves it against that module.
mvn -B -q -pl src/main jib:buildTar -Dkade.image.base="tar://$PWD/target/local-base.tar" -Djib.disableUpdateChecks=true \
  -Djib.outputPaths.tar="$PWD/target/jib-image.tar"
ls -l target/jib-image.tar

unpack=$(mktemp -d); trap 'rm -rf "$unpack"' EXIT
python3 - target/jib-image.tar "$unpack/rootfs" "$limit_mb" <<'EOF'
import io, json, os, sys, tarfile, zipfile
image, rootfs, limit_mb = sys.argv[1], sys.argv[2], int(sys.argv[3])
size_mb = os.path.getsize(image) / 1e6
with tarfile.open(image) as t:
    manifest = json.load(t.extractfile("manifest.json"))[0]
    config = json.load(t.extractfile(manifest["Config"]))["config"]
    files, jars = {}, []
    os.makedirs(rootfs)
    for layer in manifest["Layers"]:
        with tarfile.open(fileobj=io.BytesIO(t.extractfile(layer).read())) as lt:
            for m in lt.getmembers():
                files[m.name.lstrip("./")] = m
                if m.name.endswith(".jar") and not m.name.lstrip("./").startswith("opt/java/"):
                    jars.append(m.name.lstrip("./"))
            lt.extractall(rootfs, filter="tar" if sys.version_info >= (3, 12) else None)
errors = []
if size_mb > limit_mb:
    errors.append(f"image tar is {size_mb:.1f} MB, over the {limit_mb} MB limit")
user = config.get("User", "")
if user.split(":")[0] in ("", "0", "root"):
    errors.append(f"image runs as root (User={user!r})")
if config.get("Entrypoint") != ["java", "-jar", "/opt/kade/kade.jar"]:
    errors.append(f"unexpected entrypoint {config.get('Entrypoint')}")
if config.get("Cmd") != ["run", "--config", "/etc/kade/kade.properties"]:
    errors.append(f"unexpected cmd {config.get('Cmd')}")
env = dict(e.split("=", 1) for e in config.get("Env") or [])
if env.get("ORT_DISABLE_TELEMETRY") != "1":
    errors.append(f"image environment lacks ORT_DISABLE_TELEMETRY=1 (ONNX Runtime telemetry), has {sorted(env)}")
with open(os.path.join(os.path.dirname(rootfs), "ort-telemetry"), "w") as f:
    f.write(env.get("ORT_DISABLE_TELEMETRY", ""))
if any(name == "app" or name.startswith("app/") for name in files):
    errors.append("Jib's default /app layers are in the image (the layer filter did not apply)")
if jars != ["opt/kade/kade.jar"]:
    errors.append(f"expected exactly the production jar, found jars {jars}")
else:
    with zipfile.ZipFile(os.path.join(rootfs, "opt/kade/kade.jar")) as z:
        names = z.namelist()
    broker = [n for n in names if (n.startswith("kafka/") and n.endswith(".class"))
              or n.startswith(("scala/", "org/apache/logging/log4j/core/", "dev/kade/demo/", "dev/kade/kafka/"))]
    if broker:
        errors.append(f"{len(broker)} broker/demo entries in the image's jar, e.g. {broker[:3]}")
    if "dev/kade/cli/Main.class" not in names:
        errors.append("the image's jar has no dev/kade/cli/Main.class")
print(f"image: {size_mb:.1f} MB (limit {limit_mb}), user {user}, entrypoint {config.get('Entrypoint')}, "
      f"cmd {config.get('Cmd')}, jars {jars}")
if errors:
    sys.exit("image check FAILED:\n  " + "\n  ".join(errors))
print("image contents OK")
EOF

mkdir -p "$unpack/rootfs/proc" "$unpack/rootfs/sys"
if [ "$(id -u)" = 0 ] && command -v chroot >/dev/null && mount -t proc proc "$unpack/rootfs/proc" 2>/dev/null; then
  # /proc and /sys as a container runtime provides them (the loader resolves the JRE's $ORIGIN rpath through
  # /proc; ONNX Runtime reads the CPU topology from /sys).
  trap 'umount "$unpack/rootfs/proc" 2>/dev/null || true; umount -R "$unpack/rootfs/sys" 2>/dev/null || true; rm -rf "$unpack"' EXIT
  mount --rbind /sys "$unpack/rootfs/sys"
  root=$unpack/rootfs; chroot=$(command -v chroot)
  cp src/demo/resources/datasets/thyroid.train.csv src/demo/resources/datasets/thyroid.test.csv "$root/tmp/"
  # The image's entrypoint, as the image's user, with only the image's files and the image's telemetry
  # opt-out as its config sets it (the JVM flags stay small for this machine).
  run() { env -i PATH=/opt/java/openjdk/bin HOME=/tmp JDK_JAVA_OPTIONS="-Djava.io.tmpdir=/tmp" \
            ORT_DISABLE_TELEMETRY="$(cat "$unpack/ort-telemetry")" \
            "$chroot" --userspec=10001:10001 "$root" /opt/java/openjdk/bin/java -jar /opt/kade/kade.jar "$@"; }
  run --version
  run train --data /tmp/thyroid.train.csv --epochs 5 --quiet --out /tmp/m.onnx
  run evaluate --model /tmp/m.onnx --data /tmp/thyroid.test.csv --format json
  if [ -e "$root/tmp/.cache/Microsoft" ]; then
    echo "ONNX Runtime wrote its telemetry under HOME in the image: $(find "$root/tmp/.cache/Microsoft" -type f)" >&2; exit 1
  fi
  run demo && { echo "the image's jar ran the demo: it should have no broker" >&2; exit 1; } || [ $? -eq 2 ]
  echo "image runs: --version, train and evaluate as uid 10001 in the unpacked image, no telemetry files; demo refused with exit 2"
else
  echo "skipped running the unpacked image: needs root, chroot and a mountable /proc"
fi
