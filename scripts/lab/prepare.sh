#!/bin/sh
# prepare.sh - fetch the guest kernel and build the initramfs of the
# interop lab (scripts/lab/README.md).
#
# The build machines' own kernel has no PPP, so the interop suite boots
# Debian's stock kernel (linux-image-amd64, which ships ppp_generic,
# pppoe, l2tp_ppp, pptp ...) under qemu.  This script only needs Debian's
# package tools: `apt-get download` fetches the kernel .deb (it is never
# installed on the host), dpkg-deb unpacks it into the cache and a small
# initramfs is made of busybox, the modules the guest needs before its
# root is mounted, and scripts/lab/init.
#
#   scripts/lab/prepare.sh          idempotent; prints the env file path
#
# Cache: $MPD_LAB_CACHE (default /var/cache/mpd5-lab):
#   kernel/                 the unpacked package (lib/modules/<ver> is what
#                           the guest's modprobe sees)
#   lab.env                 KVER=, KERNEL=, INITRD=, MODROOT= for boot
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${MPD_LAB_CACHE:-/var/cache/mpd5-lab}
say() { echo "lab-prepare: $*" >&2; }
die() { say "$*"; exit 1; }

for t in qemu-system-x86_64 busybox cpio dpkg-deb depmod apt-get; do
	command -v "$t" >/dev/null 2>&1 || die "$t missing (run scripts/install-deps)"
done
[ -x /bin/busybox ] || die "/bin/busybox missing (busybox-static)"

mkdir -p "$CACHE/deb"

# the versioned package behind the linux-image-amd64 meta package
pkg=${MPD_LAB_KERNEL_PKG:-}
if [ -z "$pkg" ]; then
	pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -n 1)
fi
if [ -z "$pkg" ]; then
	apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null 2>&1 || true
	pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -n 1)
fi
[ -n "$pkg" ] || die "cannot resolve linux-image-amd64 (apt-get update?)"
kver=${pkg#linux-image-}
kver=${kver%-unsigned}

stamp="$CACHE/.ready-$kver-$(cat "$HERE/init" "$0" | cksum | cut -d' ' -f1)"
if [ -e "$stamp" ] && [ -r "$CACHE/lab.env" ]; then
	echo "$CACHE/lab.env"
	exit 0
fi

deb=$(ls "$CACHE/deb/${pkg}"_*.deb 2>/dev/null | tail -n 1 || true)
if [ -z "$deb" ]; then
	say "downloading $pkg"
	(cd "$CACHE/deb" && apt-get download "$pkg" >/dev/null 2>&1) ||
		(cd "$CACHE/deb" && apt-get download "$pkg") || die "apt-get download $pkg failed"
	deb=$(ls "$CACHE/deb/${pkg}"_*.deb | tail -n 1)
fi

if [ ! -e "$CACHE/kernel/.unpacked-$kver" ]; then
	rm -rf "$CACHE/kernel"
	mkdir -p "$CACHE/kernel"
	dpkg-deb -x "$deb" "$CACHE/kernel"
	depmod -b "$CACHE/kernel" "$kver"
	touch "$CACHE/kernel/.unpacked-$kver"
fi
moddir="$CACHE/kernel/lib/modules/$kver"
[ -r "$CACHE/kernel/boot/vmlinuz-$kver" ] || die "no vmlinuz in $deb"

# initramfs: busybox, init, the modules (with their dependencies) needed
# to reach the host root, talk to the host, and run PPP
EARLY="virtio_pci virtio_net virtio_console virtio_rng 9pnet_virtio 9p overlay
ppp_generic ppp_async ppp_synctty ppp_deflate bsd_comp ppp_mppe pppox pppoe
pptp l2tp_core l2tp_netlink l2tp_ppp l2tp_ip tun veth"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin" "$work/dev" "$work/proc" "$work/sys" "$work/mnt" \
	"$work/lib/modules/$kver"
cp /bin/busybox "$work/bin/busybox"
cp "$HERE/init" "$work/init"
chmod 755 "$work/init"
: > "$work/modules.list"
echo "MODROOT=$CACHE/kernel/lib/modules" > "$work/lab.env"
for m in $EARLY; do
	# modules.dep lines: "kernel/path/name.ko[.xz]: dep1 dep2"; module
	# names use '_' where file names may use '-'
	line=$(awk -v want="$m" '{
		f = $1; sub(/:$/, "", f); n = f; sub(/.*\//, "", n)
		sub(/\.ko(\.[a-z]+)?$/, "", n); gsub(/-/, "_", n)
		if (n == want) { print; exit }
	}' "$moddir/modules.dep")
	if [ -z "$line" ]; then
		# built into the kernel: nothing to copy
		grep -q "/$m.ko" "$moddir/modules.builtin" 2>/dev/null && continue
		die "module $m not in $moddir/modules.dep"
	fi
	for f in $(echo "$line" | tr -d ':'); do
		mkdir -p "$work/lib/modules/$kver/$(dirname "$f")"
		cp "$moddir/$f" "$work/lib/modules/$kver/$f"
	done
	echo "$m" >> "$work/modules.list"
done
cp "$moddir/modules.order" "$moddir/modules.builtin" "$work/lib/modules/$kver/"
[ -r "$moddir/modules.builtin.modinfo" ] &&
	cp "$moddir/modules.builtin.modinfo" "$work/lib/modules/$kver/"
depmod -b "$work" "$kver"
(cd "$work" && find . | cpio -o -H newc --quiet | gzip -1) > "$CACHE/initrd-$kver.img.tmp"
mv "$CACHE/initrd-$kver.img.tmp" "$CACHE/initrd-$kver.img"

cat > "$CACHE/lab.env.tmp" <<ENV
KVER=$kver
KERNEL=$CACHE/kernel/boot/vmlinuz-$kver
INITRD=$CACHE/initrd-$kver.img
MODROOT=$CACHE/kernel/lib/modules
ENV
mv "$CACHE/lab.env.tmp" "$CACHE/lab.env"
rm -f "$CACHE"/.ready-*
touch "$stamp"
say "kernel $kver ready in $CACHE"
echo "$CACHE/lab.env"
