# _objmem.py - what workload files share with the agent.
#
# A workload file defines DESCRIPTION (one line) and setup(), which returns
# a factory f(i) -> new object, or a pair (factory, note) where note is a
# short caveat the agent reports with the base phase.  A workload that
# cannot run on this interpreter raises Skip("reason") from setup() (or
# while being imported); the cell is then skipped, not failed.  A workload
# that needs something built first (the record C extension) also defines
# prepare(), run by `agent.py prepare WORKLOAD`, returning the built path.
#
# This module must import on every interpreter (CPython 2.7 and 3.x, PyPy,
# MicroPython), so anything heavier than sys and os is imported lazily.

import os
import sys


class Skip(Exception):
    """Raised with a reason when a workload cannot run on this interpreter."""


def implementation():
    """'cpython', 'pypy', 'micropython', ... in lower case."""
    impl = getattr(sys, 'implementation', None)
    if impl is not None and getattr(impl, 'name', None):
        return impl.name.lower()
    if 'PyPy' in sys.version:
        return 'pypy'
    try:
        import platform
        return platform.python_implementation().lower()
    except Exception:
        return 'unknown'


def workloads_dir():
    """The folder holding agent.py, this module and the workload files."""
    here = globals().get('__file__') or sys.argv[0]
    if '/' not in here:
        return '.'
    return here.rsplit('/', 1)[0] or '/'


# --- building and loading the project's C extensions ------------------------

def config_var(name):
    """A sysconfig variable (distutils.sysconfig on old Pythons), or None."""
    try:
        import sysconfig
        return sysconfig.get_config_var(name)
    except Exception:
        pass
    try:
        from distutils import sysconfig as dsc
        return dsc.get_config_var(name)
    except Exception:
        return None


def include_dir():
    """The folder that should hold this interpreter's Python.h, or None.
    INCLUDEPY is where the build put it; a build unpacked elsewhere than the
    prefix it was built for (Debian's binaries in a private root) has it
    where sysconfig's relocated paths say."""
    d = config_var('INCLUDEPY')
    if d and os.path.isdir(d):
        return d
    try:
        import sysconfig
        there = sysconfig.get_path('include')
        if there and os.path.isdir(there) or not d:
            return there
    except Exception:
        pass
    if d:
        return d
    try:
        from distutils import sysconfig as dsc
        return dsc.get_python_inc()
    except Exception:
        return None


def ext_suffix():
    """The file name suffix of extension modules: '.cpython-312-...so'."""
    return config_var('EXT_SUFFIX') or config_var('SO') or '.so'


def abiflags():
    flags = getattr(sys, 'abiflags', None)
    if flags is None:
        flags = config_var('ABIFLAGS')
    return flags or ''


def cache_root():
    """$OBJMEM_CACHE, else ${XDG_CACHE_HOME:-~/.cache}/objmem."""
    root = os.environ.get('OBJMEM_CACHE')
    if root:
        return root
    base = os.environ.get('XDG_CACHE_HOME')
    if not base:
        base = os.path.join(os.path.expanduser('~'), '.cache')
    return os.path.join(base, 'objmem')


def interpreter_key():
    """A folder name that identifies this interpreter build: readable prefix
    plus a hash of the executable's real path, the full version string (it
    carries the build date), the ABI flags and the extension suffix."""
    import hashlib
    exe = os.path.realpath(sys.executable or sys.prefix)
    ident = '\0'.join([exe, sys.version, abiflags(), ext_suffix()])
    digest = hashlib.sha1(ident.encode('utf-8')).hexdigest()[:16]
    return '%s-%d.%d%s-%s' % (implementation(), sys.version_info[0],
                              sys.version_info[1], abiflags(), digest)


def build_dir():
    return os.path.join(cache_root(), interpreter_key())


def headers_missing():
    """None when Python.h is there, else the reason for a skip."""
    inc = include_dir()
    if sys.platform == 'emscripten':
        return ('Pyodide (wasm32) loads only extensions built with emscripten\'s '
                'toolchain, which objmem does not use')
    if inc and os.path.exists(os.path.join(inc, 'Python.h')):
        return None
    return 'Python.h not found (install python%d.%d-dev)' % sys.version_info[:2]


def _write_atomic(path, text):
    tmp = '%s.%d.tmp' % (path, os.getpid())
    f = open(tmp, 'w')
    try:
        f.write(text)
    finally:
        f.close()
    os.rename(tmp, path)


def _remove(path):
    try:
        os.unlink(path)
    except OSError:
        pass


def _first_error(output):
    """The compiler's first error line, shortened, for a skip reason."""
    lines = [l.strip() for l in output.splitlines() if l.strip()]
    for line in lines:
        if 'error' in line:
            return line[:240]
    return (lines[0][:240] if lines else 'no output')


def build_extension(name, source, what):
    """Compile workloads/<source> into build_dir()/<name><ext_suffix> unless
    an up-to-date build is there; return its path.  Raise Skip with a short
    reason when it cannot be built (the compiler's output goes to stderr and
    the short reason is kept in <name>.error for `run` to report).  The
    output is written through a temporary name and renamed, so parallel
    prepares of the same interpreter cannot race."""
    import errno
    import shlex
    import subprocess
    src = os.path.join(workloads_dir(), source)
    out_dir = build_dir()
    out = os.path.join(out_dir, name + ext_suffix())
    err_file = os.path.join(out_dir, name + '.error')
    try:
        if os.path.getmtime(out) >= os.path.getmtime(src):
            return out
    except OSError:
        pass
    missing = headers_missing()
    if missing:
        raise Skip('%s extension cannot be built for this interpreter: %s'
                   % (what, missing))
    try:
        os.makedirs(out_dir)
    except OSError:
        if not os.path.isdir(out_dir):
            raise
    tmp = '%s.%d.tmp' % (out, os.getpid())
    cc = shlex.split(os.environ.get('CC') or 'cc')
    cflags = shlex.split(os.environ.get('OBJMEM_EXT_CFLAGS', '-O2'))
    inc = [include_dir()]
    conf = config_var('CONFINCLUDEPY')
    if conf and conf not in inc and os.path.isdir(conf):
        inc.append(conf)
    if inc[0] != config_var('INCLUDEPY'):
        # relocated: Debian's pyconfig.h includes <MULTIARCH/pythonX.Y/pyconfig.h>
        inc.append(os.path.dirname(inc[0]))
    argv = (cc + ['-shared', '-fPIC', '-Wall', '-Wextra'] + cflags +
            ['-I' + d for d in inc] + ['-o', tmp, src])
    sys.stderr.write('objmem: building %s: %s\n' % (name, ' '.join(argv)))
    try:
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, close_fds=True)
        output = proc.communicate()[0].decode('utf-8', 'replace')
        status = proc.returncode
    except OSError as e:
        if e.errno == errno.ENOENT:
            reason = ("no C compiler: '%s' not found (install gcc or set CC)"
                      % cc[0])
        else:
            reason = 'cannot run the C compiler: %s' % e
        _write_atomic(err_file, reason + '\n')
        raise Skip('%s extension cannot be built: %s' % (what, reason))
    if output:
        sys.stderr.write(output)
    if status != 0:
        _remove(tmp)
        reason = 'the compiler failed: ' + _first_error(output)
        _write_atomic(err_file, reason + '\n')
        raise Skip('%s extension cannot be built: %s' % (what, reason))
    # Written back before any cell maps it: a page of the file still dirty
    # in the page cache is counted in a child's USS as its own private dirty
    # memory (or as shared, once a second child maps it), which moved a 10k
    # record row by 3 pages for the half minute after a build.
    try:
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except (OSError, AttributeError):
        pass
    os.rename(tmp, out)
    _remove(err_file)
    return out


def import_extension(name, what):
    """Import the extension build_extension() made for this interpreter;
    raise Skip saying why when it is not there."""
    out_dir = build_dir()
    if os.path.exists(os.path.join(out_dir, name + ext_suffix())):
        sys.path.insert(0, out_dir)
        try:
            return __import__(name)
        finally:
            sys.path.remove(out_dir)
    reason = headers_missing()
    if reason is None:
        try:
            f = open(os.path.join(out_dir, name + '.error'))
            try:
                reason = f.read().strip()
            finally:
                f.close()
        except Exception:
            reason = "run 'agent.py prepare %s' first" % what
    raise Skip('%s extension not built for this interpreter: %s'
               % (what, reason))
