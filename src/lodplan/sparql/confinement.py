"""Take away a query process's ability to open network connections.

A SPARQL engine that supports ``SERVICE`` opens HTTP connections to any
address a query names. Recognising the keyword in the query text is not enough
(two parsers never agree on every spelling), so the processes that parse and
run public queries confine themselves before reading any query: a seccomp
filter, installed through libseccomp (via ``pyseccomp``), makes the kernel
refuse every call that creates a socket (``socket``, ``socketpair``, and
``io_uring_setup``, through which sockets can also be made). Name resolution
needs a socket too, so it fails as well. The pipe to the server is inherited,
created before the filter: it keeps working.

The filter is inherited by every thread and child the process creates later
and cannot be removed. Where it cannot be installed (no Linux seccomp, no
libseccomp), :func:`confine_network` raises and the query processes refuse to
start: the endpoint then answers 503 rather than running unconfined.
"""

from __future__ import annotations

import errno

#: System calls that create sockets (``socketcall`` multiplexes them on 32-bit x86).
SOCKET_SYSCALLS = ("socket", "socketpair", "socketcall", "io_uring_setup")


class ConfinementError(Exception):
    """The process could not be confined; it must not run public queries."""


def confine_network() -> None:
    """Make every later attempt of this process to create a socket fail with EACCES."""
    try:
        import pyseccomp as seccomp
    except (ImportError, OSError) as error:  # OSError: libseccomp.so missing
        raise ConfinementError(f"libseccomp is not available ({error})") from None
    try:
        syscall_filter = seccomp.SyscallFilter(seccomp.ALLOW)
        for name in SOCKET_SYSCALLS:
            try:
                syscall_filter.add_rule(seccomp.ERRNO(errno.EACCES), name)
            except (ValueError, OSError):  # the call does not exist on this architecture
                if name != "socketcall":
                    raise
        syscall_filter.load()
    except (OSError, ValueError, RuntimeError) as error:
        raise ConfinementError(f"the seccomp filter could not be installed ({error})") from None
