#!/usr/bin/env python
# agent.py - the child side of objmem: one interpreter process per cell.
#
#   agent.py run WORKLOAD COUNT   run one cell in phases (start, base, full,
#                                 freed), stopping after each for the driver
#   agent.py probe                describe this interpreter build
#   agent.py prepare WORKLOAD     build what WORKLOAD needs (the record C
#                                 extension) into the objmem cache
#   agent.py list                 the workloads, one line each
#   agent.py views WORKLOAD       the interpreter's own views of one object:
#                                 shallow, deep, requested (_views.py)
#
# WORKLOAD is a name (a file workloads/<name>.py, '-' spelt '_') or the
# path of a workload file of one's own.  The protocol is in docs/protocol.md:
# every line the agent writes goes to a dup of the ORIGINAL stdout as
# "OBJMEM/1 <verb> <json>"; fd 1 and sys.stdout are pointed at stderr before
# any workload code runs, so nothing a workload prints (even from C) can
# reach the protocol.  The driver answers on stdin with "go" or "quit".
#
# This script only loads the agent (_agent.py, and _objmem.py, which
# workloads import) and runs it.  An interpreter compiles a script it is
# given every time it starts, and objmem starts one per cell, so the two
# modules' compiled code is kept in objmem's cache ($OBJMEM_CACHE, which
# the driver sets) under the interpreter's bytecode tag, each file named by
# a checksum of its source's path and the text's length and holding the
# interpreter's magic number and that text, checked byte for byte: 6 to 8
# ms less per cell.  Nothing is written into workloads/,
# which may be read-only; where the cache cannot be read or written the
# modules are compiled as before.
#
# Runs on CPython 2.7 and 3.6+, PyPy 2 and 3, MicroPython (every call it may
# lack is guarded).  Keep it free of syntax newer than 2.7.

import os
import sys

try:
    sys.dont_write_bytecode = True  # no .pyc in a (maybe read-only) workloads/
except Exception:
    pass


def _folder(path):
    try:
        path = os.path.abspath(path)
    except Exception:           # no os.path (MicroPython)
        pass
    if '/' not in path:
        return '.'
    return path.rsplit('/', 1)[0] or '/'


HERE = _folder(globals().get('__file__') or sys.argv[0])
if HERE not in sys.path:
    sys.path.insert(0, HERE)

CODE_FORMAT = b'objmem agent code 2\n'


def _fnv(data):
    """FNV-1a, 32 bits, of a few hundred bytes (a path): no module to
    import (zlib's would load a library into every child before `start`)."""
    h = 0x811c9dc5
    for c in bytearray(data):
        h = ((h ^ c) * 0x01000193) & 0xffffffff
    return h


def _code_place():
    """(folder, magic) for this interpreter's kept code, or None: no
    $OBJMEM_CACHE, no marshal (MicroPython), no magic number, or Pyodide
    (its file system is in memory, gone when the child ends).  The folder
    is the interpreter's bytecode tag and optimisation level (-O, -OO
    compile other code), as __pycache__'s names are."""
    if sys.platform == 'emscripten':
        return None
    try:
        root = os.environ.get('OBJMEM_CACHE')
        import marshal          # noqa: F401  (present, or nothing is kept)
    except Exception:
        return None
    if not root:
        return None
    magic = None
    tag = getattr(getattr(sys, 'implementation', None), 'cache_tag', None)
    machinery = sys.modules.get('_frozen_importlib_external')
    if machinery is not None:
        magic = getattr(machinery, 'MAGIC_NUMBER', None)
    if magic is None:
        try:
            import imp          # 2.7
            magic = imp.get_magic()
        except Exception:
            return None
    if not tag:
        tag = '%s-%d%d' % ('pypy' if 'PyPy' in sys.version else 'cpython',
                           sys.version_info[0], sys.version_info[1])
    opt = getattr(getattr(sys, 'flags', None), 'optimize', 0)
    if opt:
        tag = '%s.opt-%d' % (tag, opt)
    return os.path.join(root, 'agent-code', tag), magic


COMPILED = []                   # the modules compiled here though a cache was given


def _sweep(folder):
    """Remove the temporary files (NAME.PID.tmp) of writers that died before
    their rename: their PID is gone.  Run where code is written, which is
    seldom (the first child of a build and source)."""
    import errno
    try:
        names = os.listdir(folder)
    except Exception:
        return
    for n in names:
        parts = n.split('.')
        if len(parts) < 3 or parts[-1] != 'tmp' or not parts[-2].isdigit():
            continue
        try:
            os.kill(int(parts[-2]), 0)
        except OSError as e:
            if e.errno == errno.ESRCH:
                try:
                    os.unlink(os.path.join(folder, n))
                except Exception:
                    pass
        except Exception:
            pass


def _compiled(name):
    """The code of HERE/NAME.py.  Kept code is found by what it was compiled
    from, not by a file's time: its file is named by a checksum of the
    source's path and the text's length, and holds the magic number, the
    path and the whole text, which must match byte for byte.  So an edit,
    a checkout of another version or a copy with the old times is compiled
    again, while two checkouts sharing a cache, or two versions of other
    lengths in one, each keep their own.  Else the source is compiled and
    kept (written to a temporary file and renamed, so that two children
    never read half a file)."""
    import marshal
    path = HERE + '/' + name + '.py'
    f = open(path, 'rb')
    try:
        source = f.read()
    finally:
        f.close()
    place = _code_place()
    kept = head = None
    if place is not None:
        try:
            where = path.encode('utf-8') if not isinstance(path, bytes) else path
            kept = os.path.join(place[0], '%s-%08x-%d.code'
                                % (name, _fnv(where), len(source)))
            head = (CODE_FORMAT + place[1] + b'\n' + where + b'\n'
                    + ('%d\n' % len(source)).encode('ascii') + source)
            f = open(kept, 'rb')
            try:
                data = f.read()
            finally:
                f.close()
            if data.startswith(head):
                return marshal.loads(data[len(head):])
        except Exception:
            pass
    code = compile(source, path, 'exec', 0, True)
    if place is not None:
        COMPILED.append(name)
    if kept is not None and head is not None:
        tmp = '%s.%d.tmp' % (kept, os.getpid())
        try:
            if not os.path.isdir(place[0]):
                os.makedirs(place[0])
            f = open(tmp, 'wb')
            try:
                f.write(head + marshal.dumps(code))
            finally:
                f.close()
            os.rename(tmp, kept)
            _sweep(place[0])
        except Exception:
            try:
                os.unlink(tmp)
            except Exception:
                pass
    return code


def _load(name):
    """Import HERE/NAME.py from its kept code; a plain import where that
    cannot be done."""
    try:
        code = _compiled(name)
        module = type(sys)(name)
    except Exception:
        return __import__(name)
    module.__file__ = HERE + '/' + name + '.py'
    sys.modules[name] = module
    try:
        exec(code, module.__dict__)
    except BaseException:
        del sys.modules[name]
        raise
    return module


if __name__ == '__main__':
    _load('_objmem')            # before _agent, which imports it, as workloads do
    agent = _load('_agent')
    agent.CODE_COMPILED = COMPILED
    sys.exit(agent.main(sys.argv[1:]))
