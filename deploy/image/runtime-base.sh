#!/usr/bin/env bash
# Builds the base image of Lianmai's container image without a container engine or registry: a Java runtime
# jlink'd from the build JDK and the few glibc/libstdc++ libraries it and the server jar's natives link against,
# copied from this (the build) machine, plus /etc/passwd, /tmp and the data directory. The result is a
# docker-archive tarball (manifest.json, config.json, two layer tars) that Jib builds on (`tar://`), see
# docs/deployment.md and docs/decisions.md.
#
#   runtime-base.sh OUT_DIR SERVER_JAR JAVA_HOME
#
# Deterministic for a given build machine: sorted tar entries, fixed times and owners, no host names. Linux x86-64
# with glibc only (the natives in the jar are for that platform).
set -euo pipefail

out="$1"
jar="$2"
jdk="$3"
uid=10001
gid=10001
epoch='1970-01-01 00:00:01Z'

fail() { echo "runtime-base.sh: $*" >&2; exit 1; }
[ "$(uname -s)-$(uname -m)" = "Linux-x86_64" ] || fail "builds only on Linux x86-64 (the jar's natives are for it)"
[ -f "$jar" ] || fail "no server jar at $jar"
for tool in "$jdk/bin/jlink" "$jdk/bin/jdeps" "$jdk/bin/jar" ldd tar sha256sum; do
  command -v "$tool" > /dev/null || fail "needs $tool"
done

rm -rf "$out"
root="$out/rootfs"      # owned by root in the image
owned="$out/owned"      # owned by the lianmai user in the image
archive="$out/archive"
mkdir -p "$root" "$owned" "$archive"

# 1. The Java runtime: the modules the jar needs (jdeps), plus those it reaches only through service lookups
#    (EC keys for TLS to callback receivers and CDNs, zip file systems), without desktop natives (AWT, fonts,
#    sound) that link against libraries the image does not carry and that the server never loads.
modules="$("$jdk/bin/jdeps" --multi-release 17 --ignore-missing-deps --print-module-deps "$jar" | tail -n 1)"
modules="$modules,jdk.crypto.ec,jdk.zipfs"
"$jdk/bin/jlink" --add-modules "$modules" --output "$root/opt/java" --strip-debug --no-header-files \
  --no-man-pages --exclude-files="$(printf '**/lib/%s.so,' libawt libawt_headless libawt_xawt libfontmanager \
    libjavajpeg libjawt libjsound liblcms libmlib_image libsplashscreen | sed 's/,$//')"
# Debian's JDK links its CA store into /etc: put the file itself in the runtime.
cacerts="$(readlink -f "$jdk/lib/security/cacerts")"
rm -f "$root/opt/java/lib/security/cacerts"
cp "$cacerts" "$root/opt/java/lib/security/cacerts"
chmod 644 "$root/opt/java/lib/security/cacerts"
find "$root/opt/java" -xtype l -print -delete | sed 's/^/runtime-base.sh: removed dangling link /' >&2

# 2. The shared libraries the runtime and the jar's natives need, from this machine (the one the JDK came from).
natives="$out/natives"
mkdir -p "$natives"
mapfile -t entries < <("$jdk/bin/jar" tf "$jar" | grep -E '^(org/bytedeco/[^/]+/linux-x86_64/[^/]+\.so[.0-9]*|META-INF/native/[^/]+\.so)$')
(cd "$natives" && "$jdk/bin/jar" xf "$jar" "${entries[@]}")
# FFmpeg's device library (ALSA, PulseAudio, X11 capture) comes with the bundle but is never loaded by the server.
find "$natives" -name '*avdevice*' -delete
bundled="$(find "$natives" -name '*.so*' -printf '%f\n' | sort -u)"
# Follow merged-/usr layouts: /lib, /lib64 are links into /usr on Debian 12.
for dir in lib lib64 bin sbin; do
  if [ -L "/$dir" ]; then ln -s "$(readlink "/$dir")" "$root/$dir"; fi
done
libs="$out/libraries.txt"
: > "$libs"
while IFS= read -r -d '' elf; do
  ldd "$elf" 2>/dev/null | while read -r name arrow path rest; do
    if [ "$arrow" = "=>" ] && [ "$path" = "not" ]; then
      if ! grep -qxF "$name" <<< "$bundled" && [[ "$elf" != "$root"/opt/java/* ]]; then
        echo "runtime-base.sh: $(basename "$elf") needs $name, which the image lacks (not loaded by the server)" >&2
      fi
    elif [ "$arrow" = "=>" ] && [ -n "$path" ]; then
      echo "$path" >> "$libs"
    elif [[ "$name" = /* ]]; then
      echo "$name" >> "$libs"   # the dynamic loader itself
    fi
  done
done < <(find "$root/opt/java" "$natives" -type f \( -name '*.so*' -o -path '*/bin/*' \) -print0)
sort -u -o "$libs" "$libs"
[ -s "$libs" ] || fail "found no shared libraries (is ldd working?)"
while read -r lib; do
  case "$lib" in "$root"/*|"$natives"/*) continue ;; esac
  dir="$(readlink -f "$(dirname "$lib")")"
  mkdir -p "$root$dir"
  cp -L "$lib" "$root$dir/$(basename "$lib")"
done < "$libs"
grep -v -e "^$root" -e "^$natives" "$libs" > "$libs.host" || true
# Which Debian packages (and versions) those files came from, for the image's bill of materials; their copyright
# files travel with them.
packages="$root/usr/share/lianmai/base-packages.txt"
mkdir -p "$(dirname "$packages")"
{
  echo "# Shared libraries copied from the build machine, and the Debian packages (dpkg) they belong to."
  "$jdk/bin/java" -version 2>&1 | sed 's/^/# JDK: /'
  if command -v dpkg-query > /dev/null; then
    # dpkg knows a file by the path its package installed it at: /usr/lib/... or /lib/... on merged-/usr.
    mapfile -t paths < <(while read -r lib; do echo "$lib"; readlink -f "$lib"; done < "$libs.host" | sort -u)
    dpkg-query -S "${paths[@]}" 2>/dev/null | sed 's/, /\n/g' | sort -u > "$out/owners.txt" || true
    cut -d: -f1 "$out/owners.txt" | sort -u | while read -r pkg; do
      echo "$pkg $(dpkg-query -W -f='${Version}' "$pkg")"
      if [ -f "/usr/share/doc/$pkg/copyright" ]; then
        mkdir -p "$root/usr/share/doc/$pkg"
        cp "/usr/share/doc/$pkg/copyright" "$root/usr/share/doc/$pkg/copyright"
      fi
    done
    echo "# Files:"
    cat "$libs.host"
  else
    echo "# (no dpkg on the build machine: packages unknown)"
    cat "$libs.host"
  fi
} > "$packages"
rm -f "$out/owners.txt"

# 3. The rest of a minimal root: users, name service switch, /tmp for natives, the data volume and a home.
mkdir -p "$root/etc" "$root/tmp" "$root/app" "$root/proc" "$root/sys" "$root/dev"
cat > "$root/etc/passwd" <<PASSWD
root:x:0:0:root:/root:/usr/sbin/nologin
lianmai:x:$uid:$gid:Lianmai:/home/lianmai:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
PASSWD
cat > "$root/etc/group" <<GROUP
root:x:0:
lianmai:x:$gid:
nogroup:x:65534:
GROUP
cat > "$root/etc/nsswitch.conf" <<'NSS'
passwd: files
group: files
hosts: files dns
NSS
printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' > "$root/etc/hosts"
: > "$root/etc/resolv.conf"
chmod 1777 "$root/tmp"
mkdir -p "$owned/data" "$owned/home/lianmai"
chmod 750 "$owned/data" "$owned/home/lianmai"

# 4. The layers and the docker-archive around them.
tar_flags=(--sort=name --mtime="$epoch" --numeric-owner --format=gnu --no-acls --no-xattrs --no-selinux)
tar "${tar_flags[@]}" --owner=0 --group=0 -C "$root" -cf "$archive/runtime.tar" .
tar "${tar_flags[@]}" --owner="$uid" --group="$gid" -C "$owned" -cf "$archive/owned.tar" data home
runtime_id="sha256:$(sha256sum "$archive/runtime.tar" | cut -d' ' -f1)"
owned_id="sha256:$(sha256sum "$archive/owned.tar" | cut -d' ' -f1)"
jdk_version="$("$jdk/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.runtime.version = //p')"
cat > "$archive/config.json" <<CONFIG
{"architecture":"amd64","os":"linux","created":"1970-01-01T00:00:00Z",
 "config":{"User":"$uid:$gid","WorkingDir":"/data",
  "Env":["PATH=/opt/java/bin:/usr/local/bin:/usr/bin:/bin","JAVA_HOME=/opt/java"],
  "Healthcheck":{"Test":["CMD","/opt/java/bin/java","-XX:TieredStopAtLevel=1","-XX:+UseSerialGC","-Xmx64m","-cp","@/app/jib-classpath-file","io.lianmai.server.Main","health"],
   "Interval":10000000000,"Timeout":5000000000,"StartPeriod":60000000000,"Retries":3},
  "Labels":{"org.opencontainers.image.title":"Lianmai runtime base","io.lianmai.jdk":"$jdk_version"}},
 "rootfs":{"type":"layers","diff_ids":["$runtime_id","$owned_id"]},
 "history":[{"created":"1970-01-01T00:00:00Z","created_by":"deploy/image/runtime-base.sh: jlink $jdk_version ($modules), glibc and libstdc++ from the build machine"},
  {"created":"1970-01-01T00:00:00Z","created_by":"deploy/image/runtime-base.sh: /data and /home/lianmai owned by $uid:$gid"}]}
CONFIG
cat > "$archive/manifest.json" <<MANIFEST
[{"Config":"config.json","RepoTags":["lianmai-runtime-base:local"],"Layers":["runtime.tar","owned.tar"]}]
MANIFEST
tar "${tar_flags[@]}" --owner=0 --group=0 -C "$archive" -cf "$out/runtime-base.tar" manifest.json config.json runtime.tar owned.tar
rm -rf "$natives" "$archive"
echo "runtime-base.sh: $out/runtime-base.tar ($(du -h "$out/runtime-base.tar" | cut -f1); JDK $jdk_version; $(wc -l < "$libs.host") libraries)" >&2
