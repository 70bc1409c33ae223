"""Keep the process off the network, even against libraries that try to reach it.

MediaPipe's current wheels carry a usage-logging uploader in their native library: on
creating a task it resolves ``play.googleapis.com`` from its own threads, which Python
cannot intercept. Companion promises that nothing leaves the device, so on Linux the
command line installs a seccomp filter, for every thread of the process and every child
it starts, that makes ``socket()`` fail with EPERM for the internet families (IPv4 and
IPv6). Local sockets (the X server, D-Bus) keep working. The filter cannot be lifted.

On other systems there is no such in-process guard; docs/privacy notes say so.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import platform
import socket
import struct
import sys

log = logging.getLogger(__name__)

_PR_SET_NO_NEW_PRIVS = 38
_SECCOMP_SET_MODE_FILTER = 1
_SECCOMP_FILTER_FLAG_TSYNC = 1
_SECCOMP_RET_ALLOW = 0x7FFF0000
_SECCOMP_RET_ERRNO = 0x00050000
_EPERM = 1

_BPF_LD_W_ABS = 0x20
_BPF_JEQ_K = 0x15
_BPF_RET_K = 0x06

# machine -> (audit arch, socket syscall number, seccomp syscall number)
_ARCHES = {
    "x86_64": (0xC000003E, 41, 317),
    "aarch64": (0xC00000B7, 198, 277),
}

_installed = False


def _instruction(code: int, jt: int, jf: int, k: int) -> bytes:
    return struct.pack("HBBI", code, jt, jf, k)


def _filter_program(audit_arch: int, socket_nr: int) -> bytes:
    """BPF: for socket(AF_INET or AF_INET6, ...) return EPERM; allow everything else."""
    deny = _SECCOMP_RET_ERRNO | _EPERM
    return b"".join(
        [
            _instruction(_BPF_LD_W_ABS, 0, 0, 4),  # seccomp_data.arch
            _instruction(_BPF_JEQ_K, 0, 5, audit_arch),  # another ABI: allow
            _instruction(_BPF_LD_W_ABS, 0, 0, 0),  # seccomp_data.nr
            _instruction(_BPF_JEQ_K, 0, 3, socket_nr),  # not socket(): allow
            _instruction(_BPF_LD_W_ABS, 0, 0, 16),  # args[0], the address family
            _instruction(_BPF_JEQ_K, 2, 0, socket.AF_INET),
            _instruction(_BPF_JEQ_K, 1, 0, socket.AF_INET6),
            _instruction(_BPF_RET_K, 0, 0, _SECCOMP_RET_ALLOW),
            _instruction(_BPF_RET_K, 0, 0, deny),
        ]
    )


class _SockFprog(ctypes.Structure):
    _fields_ = (("len", ctypes.c_ushort), ("filter", ctypes.c_void_p))


def block_internet_sockets() -> bool:
    """Forbid IPv4/IPv6 sockets for this process and its children (Linux only).

    Returns True when the guard is active (also when it already was), False where the
    platform offers no such guard or the kernel refused it (logged).
    """
    global _installed
    if _installed:
        return True
    arch = _ARCHES.get(platform.machine())
    if not sys.platform.startswith("linux") or arch is None:
        log.info("network guard not available on %s/%s", sys.platform, platform.machine())
        return False
    audit_arch, socket_nr, seccomp_nr = arch
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    program = _filter_program(audit_arch, socket_nr)
    buffer = ctypes.create_string_buffer(program, len(program))
    fprog = _SockFprog(len(program) // 8, ctypes.cast(buffer, ctypes.c_void_p).value)
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        log.warning("network guard not installed: prctl failed (errno %d)", ctypes.get_errno())
        return False
    result = libc.syscall(
        seccomp_nr, _SECCOMP_SET_MODE_FILTER, _SECCOMP_FILTER_FLAG_TSYNC, ctypes.byref(fprog)
    )
    if result != 0:
        log.warning("network guard not installed: seccomp failed (errno %d)", ctypes.get_errno())
        return False
    _installed = True
    log.info("network guard active: IPv4 and IPv6 sockets are refused")
    return True
