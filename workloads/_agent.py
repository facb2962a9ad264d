# _agent.py - the child side of objmem, as agent.py loads it: the modes
# (run, probe, prepare, list, views), the protocol channel and the loading
# of workload files.  agent.py, the script the driver starts, says what each
# mode does; docs/protocol.md has every line.
#
# Runs unchanged on CPython 2.7 and 3.6+, debug and free-threaded builds,
# PyPy 2 and 3; on MicroPython every call it may lack is guarded.  Keep this
# file free of syntax newer than 2.7 (no f-strings, no annotations).

import gc
import os
import sys

try:
    # CPython's own JSON string escaper, without the json package: importing
    # json brings re and enum, 7 to 9 ms of every child's start on 3.x.
    from _json import encode_basestring_ascii as _quote
except Exception:               # PyPy, MicroPython: the json module below
    _quote = None

PROTOCOL = 'OBJMEM/1'
USAGE = ('usage: agent.py run WORKLOAD COUNT\n'
         '       agent.py views WORKLOAD\n'
         '       agent.py probe\n'
         '       agent.py prepare WORKLOAD\n'
         '       agent.py list\n')


def _abspath(path):
    try:
        return os.path.abspath(path)
    except Exception:           # no os.path (MicroPython)
        return path


def _dirname(path):
    if '/' not in path:
        return '.'
    return path.rsplit('/', 1)[0] or '/'


HERE = _dirname(_abspath(globals().get('__file__') or sys.argv[0]))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

import _objmem                  # noqa: E402  (needs HERE on sys.path)
from _objmem import Skip        # noqa: E402


# --- small helpers that must work everywhere --------------------------------

def _text(value):
    """str(value) that cannot fail, and is unicode-safe JSON on 2.7."""
    try:
        s = str(value)
    except Exception:
        try:
            s = repr(value)
        except Exception:
            s = '?'
    if sys.version_info[0] < 3 and isinstance(s, bytes):
        s = s.decode('utf-8', 'replace')
    return s


MAX_TEXT = 4000                 # characters of one reason, note or description
try:
    _ELLIPSIS = unichr(0x2026)  # noqa: F821  (2.7)
except NameError:
    _ELLIPSIS = chr(0x2026)


def _short(value):
    """_text(value), cut to MAX_TEXT characters with a visible mark saying
    how long the whole was: any exception message, note or skip reason then
    fits one protocol line (the driver reads at most 65536 bytes; a character
    is at most 12 bytes of JSON), and reaches the results."""
    s = _text(value)
    if len(s) <= MAX_TEXT:
        return s
    try:
        size = len(s.encode('utf-8'))
    except Exception:
        size = len(s)
    return s[:MAX_TEXT] + _ELLIPSIS + ' [truncated, %d bytes]' % size


def _sizeof(obj):
    """sys.getsizeof(obj), or -1 where it is missing or raises (PyPy)."""
    try:
        return int(sys.getsizeof(obj))
    except Exception:
        return -1


_JSON = []                      # the json module, once imported


def _json_module():
    """json (ujson on MicroPython), imported the first time it is needed;
    None where there is neither."""
    if not _JSON:
        try:
            import json
        except ImportError:
            try:
                import ujson as json
            except ImportError:
                json = None
        _JSON.append(json)
    return _JSON[0]


class _NotPlain(Exception):
    pass


try:
    _INTEGERS = (int, long)     # noqa: F821  (2.7)
    _STRINGS = (str, unicode)   # noqa: F821
except NameError:
    _INTEGERS = (int,)
    _STRINGS = (str,)


def _plain(obj, out):
    """What json.dumps(obj, separators=(',', ':')) writes, for the values
    the protocol carries (None, bools, whole numbers, finite floats, text,
    lists, dicts with text keys); _NotPlain for anything else."""
    if obj is None:
        out.append('null')
    elif obj is True or obj is False:
        out.append('true' if obj else 'false')
    elif isinstance(obj, _INTEGERS):
        out.append('%d' % obj)
    elif isinstance(obj, float):
        if obj != obj or obj in (float('inf'), float('-inf')):
            raise _NotPlain()
        out.append(float.__repr__(obj))
    elif isinstance(obj, _STRINGS):
        if isinstance(obj, bytes) and bytes is str:     # 2.7's str: UTF-8 text
            obj = obj.decode('utf-8')
        out.append(_quote(obj))
    elif isinstance(obj, (list, tuple)):
        out.append('[')
        for i, v in enumerate(obj):
            if i:
                out.append(',')
            _plain(v, out)
        out.append(']')
    elif isinstance(obj, dict):
        out.append('{')
        for i, (k, v) in enumerate(obj.items()):
            if not isinstance(k, _STRINGS):
                raise _NotPlain()
            if i:
                out.append(',')
            _plain(k, out)
            out.append(':')
            _plain(v, out)
        out.append('}')
    else:
        raise _NotPlain()


def _dumps(obj):
    if _quote is not None:
        out = []
        try:
            _plain(obj, out)
            return ''.join(out)
        except (_NotPlain, UnicodeError):
            pass
    json = _json_module()
    if json is None:
        return repr(obj)
    try:
        return json.dumps(obj, separators=(',', ':'))
    except TypeError:           # ujson without separators=
        return json.dumps(obj)


def _flush_stdio():
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass


def _exit(code):
    """Stop now: no interpreter teardown (freeing millions of objects)."""
    _flush_stdio()
    try:
        os._exit(code)
    except AttributeError:
        sys.exit(code)


def usage_error(message):
    sys.stderr.write('agent.py: error: %s\n%s' % (message, USAGE))
    _exit(2)


# --- the protocol channel ---------------------------------------------------

def _checked(result, what):
    if result < 0:
        raise OSError('%s failed' % what)
    return result


class _FdCalls(object):
    """dup, dup2, write and a one-byte read on file descriptors: from os, or
    from libc through MicroPython's ffi module when os lacks them."""

    def __init__(self):
        if hasattr(os, 'dup') and hasattr(os, 'dup2') and hasattr(os, 'write'):
            self.dup, self.dup2, self.write = os.dup, os.dup2, os.write
            self.read1 = (lambda fd: os.read(fd, 1)) if hasattr(os, 'read') else None
            return
        import ffi              # MicroPython's unix port; ImportError elsewhere
        libc = ffi.open('libc.so.6')
        c_dup = libc.func('i', 'dup', 'i')
        c_dup2 = libc.func('i', 'dup2', 'ii')
        self.dup = lambda fd: _checked(c_dup(fd), 'dup')
        self.dup2 = lambda fd, fd2: _checked(c_dup2(fd, fd2), 'dup2')
        c_write = libc.func('l', 'write', 'iPl')
        c_read = libc.func('l', 'read', 'ipl')
        byte = bytearray(1)
        self.write = lambda fd, data: c_write(fd, data, len(data))

        def read1(fd):
            return bytes(byte) if c_read(fd, byte, 1) == 1 else b''
        self.read1 = read1


class Channel(object):
    """Protocol lines out on a dup of the original stdout, answers in on
    stdin.  Creating it moves fd 1 and sys.stdout to stderr."""

    def __init__(self):
        _flush_stdio()
        self.fd = None
        self.stream = None
        self.calls = None
        try:
            calls = _FdCalls()
            fd = calls.dup(1)
            calls.dup2(2, 1)
            self.fd, self.calls = fd, calls
        except Exception:       # no dup/dup2 at all: C-level prints would leak
            self.fd = None
            self.stream = sys.stdout
        try:
            sys.stdout = sys.stderr
        except Exception:       # MicroPython: print() follows fd 1 anyway
            pass
        self.read1 = self.calls.read1 if self.calls is not None else None

    def encode(self, verb, obj):
        line = '%s %s %s\n' % (PROTOCOL, verb, _dumps(obj))
        if not isinstance(line, bytes):
            line = line.encode('ascii', 'replace')
        return line

    def write(self, data):
        try:
            if self.fd is not None:
                while data:
                    n = self.calls.write(self.fd, data)
                    if n <= 0:
                        raise OSError('write returned %d' % n)
                    data = data[n:]
            else:
                self.stream.write(data.decode('ascii'))
                self.stream.flush()
        except Exception as e:
            sys.stderr.write('agent.py: error: cannot write to the driver: %s\n'
                             % _text(e))
            _exit(1)

    def send(self, verb, obj):
        self.write(self.encode(verb, obj))

    def _readline(self):
        if self.read1 is None:
            line = sys.stdin.readline()
            return line if line else None
        buf = b''
        while True:             # byte by byte: never read past our line
            c = self.read1(0)
            if not c:
                return buf.decode('ascii', 'replace') if buf else None
            if c == b'\n':
                return buf.decode('ascii', 'replace')
            buf += c

    def wait(self):
        """Block until the driver says go; quit (or EOF) ends the agent."""
        try:
            answer = self._readline()
        except Exception as e:
            sys.stderr.write('agent.py: error: cannot read from the driver: %s\n'
                             % _text(e))
            _exit(1)
        if answer is None:
            sys.stderr.write('agent.py: the driver closed stdin; stopping\n')
            _exit(1)
        answer = answer.strip()
        if answer == 'go':
            return
        if answer == 'quit':
            _exit(0)
        self.send('error', {'reason': 'protocol: expected go or quit, got %r'
                            % answer[:40]})
        _exit(1)


def report_error(ch, value):
    """The exception being handled as an error line (its traceback on
    stderr); exit 1."""
    try:
        import traceback
        traceback.print_exc()
    except Exception:
        try:
            sys.print_exception(value, sys.stderr)      # MicroPython
        except Exception:
            pass
    name = getattr(type(value), '__name__', 'Exception')
    ch.send('error', {'reason': _short('%s: %s' % (name, _text(value)))})
    _exit(1)


def report_skip(ch, exc):
    reason = _short(exc) or 'skipped by the workload'
    ch.send('skip', {'reason': reason})
    _exit(0)


# --- workloads --------------------------------------------------------------

def workload_names():
    """Workload files next to this one: not agent.py, not _private.py."""
    try:
        files = os.listdir(HERE)
    except Exception:
        return []
    names = []
    for f in files:
        if f.endswith('.py') and f != 'agent.py' and not f.startswith('_'):
            names.append(f[:-3].replace('_', '-'))
    names.sort()
    return names


def resolve(arg):
    """(path, name) of a workload given by name or by a .py path."""
    if '/' in arg or arg.endswith('.py'):
        path = arg
        name = arg.rsplit('/', 1)[-1]
        if name.endswith('.py'):
            name = name[:-3]
    else:
        if arg not in workload_names():
            usage_error("unknown workload '%s' (known: %s)"
                        % (arg, ', '.join(workload_names())))
        path = HERE + '/' + arg.replace('-', '_') + '.py'
        name = arg
    try:
        open(path).close()
    except Exception as e:      # IOError on 2.7; MicroPython has no IOError
        usage_error("cannot read workload '%s': %s" % (path, _text(e)))
    return path, name


def load(path, name):
    """Execute a workload file as a module; return its namespace (a dict)."""
    modname = 'objmem_workload_' + name.replace('-', '_').replace('.', '_')
    f = open(path, 'rb')
    try:
        source = f.read()
    finally:
        f.close()
    try:
        code = compile(source, path, 'exec')
    except TypeError:           # compile() wants text (MicroPython)
        code = compile(source.decode('utf-8'), path, 'exec')
    try:
        # A real module in sys.modules: dataclasses and pickle look there.
        module = type(sys)(modname)
        ns = module.__dict__
        sys.modules[modname] = module
    except Exception:
        ns = {}
    ns['__name__'] = modname
    ns['__file__'] = path
    exec(code, ns)
    return ns


def wasm_note():
    """On Pyodide (CPython on wasm32 under Node.js, sys.platform
    'emscripten'): what is different about the row, with what the first
    objects can reuse before the wasm heap grows: the free bytes emscripten's
    malloc holds at base (mallinfo's fordblks) and the heap above its break
    (sbrk(0)), which start-up may have touched.  None elsewhere."""
    if sys.platform != 'emscripten':
        return None
    gc.collect()
    free = above = None
    try:
        import pyodide_js
        m = pyodide_js._module
        p = m._malloc(64)
        try:
            m._mallinfo(p)
            free = int(m.HEAP32[(p >> 2) + 8])      # fordblks, after 8 ints
        finally:
            m._free(p)
        above = int(m.HEAP8.length) - int(m._sbrk(0))
    except Exception:
        pass
    text = ('wasm32 under Node.js: 4-byte pointers, emscripten\'s malloc '
            '(no pymalloc); the wasm heap is never given back, so freed '
            'reads as full')
    if free is not None and above is not None:
        text += ('; at base malloc held %.1f MB free and the heap had %.1f MB '
                 'above its break: the first objects reuse up to %.1f MB before '
                 'the heap grows, so small counts read low'
                 % (free / 1e6, above / 1e6, (free + above) / 1e6))
    return text


def malloc_counter():
    """Where the objects come from glibc's malloc (CPython with
    PYTHONMALLOC=malloc or built without pymalloc: sys.getallocatedblocks()
    is 0 there), a function that returns malloc's own count of its main
    arena, (in use, free), in bytes: in use is mallinfo2's uordblks +
    hblkhd (chunks handed out, their headers and rounding included, and
    mmapped blocks), free is fordblks - keepcost (chunks freed and kept in
    its bins, the top of the heap left out).  None elsewhere (pymalloc,
    mimalloc, PyPy, MicroPython, a C library without mallinfo2).  ctypes is
    imported here, before base, so that the count does not move the
    measured window."""
    impl = getattr(getattr(sys, 'implementation', None), 'name', None)
    blocks = getattr(sys, 'getallocatedblocks', None)
    if impl != 'cpython' or blocks is None or blocks() != 0:
        return None
    try:
        import ctypes
    except Exception:
        return None

    class Mallinfo2(ctypes.Structure):
        _fields_ = [(f, ctypes.c_size_t) for f in (
            'arena', 'ordblks', 'smblks', 'hblks', 'hblkhd', 'usmblks',
            'fsmblks', 'uordblks', 'fordblks', 'keepcost')]
    try:
        fn = ctypes.CDLL(None).mallinfo2
    except (AttributeError, OSError):
        return None
    fn.restype = Mallinfo2
    fn.argtypes = []

    def count():
        m = fn()
        return int(m.uordblks + m.hblkhd), int(m.fordblks - m.keepcost)
    count()
    return count


def split_setup(result):
    """setup() returns factory or (factory, note)."""
    if isinstance(result, tuple) and len(result) == 2 and callable(result[0]):
        return result[0], result[1]
    if not callable(result):
        raise TypeError('setup() must return a factory f(i) or (factory, note),'
                        ' not %s' % type(result).__name__)
    return result, None


GC_OFF_WHILE_FILLING = _objmem.implementation() != 'micropython'

# Set by agent.py: the modules it compiled in this process though objmem's
# cache was given (none was kept yet, or it could not be read).  What
# compiling allocated and freed is there for the first objects to reuse:
# 20 to 260 KB, the 10k figures of most builds read 1 to 50% low.
CODE_COMPILED = []


def compiled_note():
    if not CODE_COMPILED:
        return None
    return ('the agent compiled %s in this process (no compiled code kept in '
            'objmem\'s cache): the first objects may reuse the memory compiling '
            'freed, so small counts can read low' % ' and '.join(
                m + '.py' for m in CODE_COMPILED))


def fill(container, make, count):
    # The fill: a plain while loop (no range() list on 2.7) that allocates
    # nothing that survives except the objects stored in the container.
    # The cyclic garbage collector is off meanwhile: collections triggered by
    # the allocations would only re-walk the growing young generation (time
    # and noise, no memory saved, since nothing here is garbage) and PyPy
    # would run major collections mid-fill.  It is switched back on, and a
    # full collection run, before `full` is reported.  MicroPython keeps it
    # on: with it off an exhausted heap raises MemoryError instead of
    # collecting.
    if GC_OFF_WHILE_FILLING:
        gc.disable()
    try:
        i = 0
        while i < count:
            container[i] = make(i)
            i += 1
    finally:
        if GC_OFF_WHILE_FILLING:
            gc.enable()
    gc.collect()


def given_params():
    """run --param NAME=VALUE, as objmem passes them: OBJMEM_PARAMS, a line each."""
    text = None
    try:
        text = os.environ.get('OBJMEM_PARAMS')
    except Exception:           # no os.environ (MicroPython): os.getenv
        getenv = getattr(os, 'getenv', None)
        text = getenv('OBJMEM_PARAMS') if getenv else None
    out = []
    for line in (text or '').split('\n'):
        if '=' in line:
            k, v = line.split('=', 1)
            out.append((k, v))
    return out


def call_setup(ns, name):
    """setup() with the parameters the workload declares (PARAMS) that were given,
    each made the type of its default; the others are for other workloads."""
    setup = ns.get('setup')
    if setup is None:
        raise TypeError("workload '%s' defines no setup()" % name)
    declared = ns.get('PARAMS') or {}
    kw = {}
    for k, v in given_params():
        if k not in declared:
            continue
        default = declared[k]
        try:
            kw[k] = v if isinstance(default, str) else type(default)(v)
        except ValueError:
            raise ValueError("parameter %s=%s: not a %s" % (k, v, type(default).__name__))
    return setup(**kw) if kw else setup()


def cmd_run(ch, arg, count):
    path, name = resolve(arg)
    # Everything the measured window (base -> full) needs is made now.
    full_line = ch.encode('phase', {'phase': 'full'})
    freed_line = ch.encode('phase', {'phase': 'freed'})
    done_line = ch.encode('done', {})
    gc.collect()
    ch.send('phase', {'phase': 'start'})
    ch.wait()

    container = None
    try:
        ns = load(path, name)
        make, note = split_setup(call_setup(ns, name))
        one = make(0)
        two = make(1)
        if one is two:
            raise ValueError('the factory returned the same object twice: '
                             'every slot would share it and cost 0 bytes')
        size = _sizeof(one)
        one = two = None
        container = [None] * count
        container_bytes = _sizeof(container)
        # the workload's note cut on its own: what the agent adds (a few
        # hundred characters) is never cut off, nor changes the cut's count
        note = _short(note) if note else None
        for more in (wasm_note(), compiled_note()):
            if more:
                note = '%s; %s' % (note, more) if note else more
        malloc_count = malloc_counter()
    except Skip as e:
        report_skip(ch, e)
    except Exception as e:
        report_error(ch, e)
    base = {'phase': 'base', 'getsizeof': size,
            'container_bytes': container_bytes}
    if note:
        base['note'] = note
    base = ch.encode('phase', base)
    gc.collect()
    ch.write(base)
    base = None
    ch.wait()
    # malloc's own count, read where the driver sampled (nothing ran since)
    at_base = malloc_count() if malloc_count else None

    try:
        fill(container, make, count)
    except Exception as e:
        report_error(ch, e)
    ch.write(full_line)
    ch.wait()
    if at_base:
        at_full = malloc_count()
        freed_line = ch.encode('phase', {
            'phase': 'freed',
            'malloc_base_in_use': at_base[0], 'malloc_base_free': at_base[1],
            'malloc_full_in_use': at_full[0], 'malloc_full_free': at_full[1]})

    container = None
    gc.collect()
    ch.write(freed_line)
    ch.wait()
    ch.write(done_line)
    _exit(0)


def cmd_prepare(ch, arg):
    path, name = resolve(arg)
    try:
        ns = load(path, name)
        prepare = ns.get('prepare')
        built = prepare() if prepare is not None else None
    except Skip as e:
        report_skip(ch, e)
    except Exception as e:
        report_error(ch, e)
    ch.send('prepared', {'workload': name, 'path': built})
    _exit(0)


def cmd_views(ch, arg):
    """The interpreter's own views of one object of the workload (_views.py)."""
    path, name = resolve(arg)
    try:
        ns = load(path, name)
        make = split_setup(call_setup(ns, name))[0]
        import _views
        out = _views.views(make)
    except Skip as e:
        report_skip(ch, e)
    except Exception as e:
        report_error(ch, e)
    out['workload'] = name
    ch.send('views', out)
    _exit(0)


def try_workload(name):
    """(description, None) when the workload can run here, else (description,
    why not): what a run would do up to the fill, on one instance."""
    description = ''
    try:
        ns = load(HERE + '/' + name.replace('-', '_') + '.py', name)
        description = _short(ns.get('DESCRIPTION', ''))
        prepare = ns.get('prepare')
        if prepare is not None:
            prepare()
        setup = ns.get('setup')
        if setup is None:
            raise TypeError("workload '%s' defines no setup()" % name)
        make = split_setup(setup())[0]
        make(0)
    except Skip as e:
        return description, _short(e)
    except Exception as e:
        return description, _short('%s: %s' % (type(e).__name__, _text(e)))
    return description, None


def cmd_list(ch):
    for name in workload_names():
        description, why = try_workload(name)
        ch.send('workload', {'name': name, 'description': description,
                             'available': why is None, 'reason': why})
    ch.send('done', {})
    _exit(0)


# --- probe ------------------------------------------------------------------

def _allocator(impl, debug, gil_disabled):
    """(allocator, how it was decided)."""
    if impl == 'pypy':
        return 'pypy-gc', 'implementation'
    if impl != 'cpython':
        return 'unknown', None
    try:                        # the truth, where the test module is there
        import _testcapi
        return _testcapi.pymem_getallocatorsname().replace('_', '-'), '_testcapi'
    except Exception:
        pass
    suffix = '-debug' if debug else ''
    env = None
    if sys.version_info >= (3, 6) and not sys.flags.ignore_environment:
        env = os.environ.get('PYTHONMALLOC')
    if env and env != 'default':
        if env == 'debug':
            env = ('mimalloc' if gil_disabled else 'pymalloc') + '_debug'
        return env.replace('_', '-'), 'PYTHONMALLOC'
    if gil_disabled:
        return 'mimalloc' + suffix, 'free-threaded'
    with_pymalloc = _objmem.config_var('WITH_PYMALLOC')
    if with_pymalloc is not None:
        return ('pymalloc' if int(with_pymalloc) else 'malloc') + suffix, 'sysconfig'
    return 'unknown', None


def _layout():
    """sys.getsizeof of a few objects, measured here, that explain costs."""
    lay = {}

    class Empty(object):
        pass

    class Slots3(object):
        __slots__ = ('x', 'y', 'z')

        def __init__(self, x, y, z):
            self.x = x
            self.y = y
            self.z = z

    def with_xyz():
        e = Empty()
        e.x = 1
        e.y = 2
        e.z = 3
        return e

    a, b, c = 1, 2, 3
    big = 2 ** 40
    makers = [
        ('object', object),
        ('empty_instance', Empty),
        ('instance_xyz', with_xyz),     # its __dict__ never touched
        ('instance_dict_xyz', lambda: with_xyz().__dict__),
        ('slots3_instance', lambda: Slots3(1, 2, 3)),
        ('tuple3', lambda: (a, b, c)),
        ('int_2_40', lambda: big + 1),
        ('empty_dict', dict),
        ('dict_xyz', lambda: {'x': 1, 'y': 2, 'z': 3}),
        ('empty_list', list),
    ]
    for key, make in makers:
        try:
            lay[key] = int(sys.getsizeof(make()))
        except Exception:
            lay[key] = None
    for key, cls in (('object_basicsize', object), ('empty_class_basicsize', Empty),
                     ('slots3_basicsize', Slots3)):
        try:
            lay[key] = int(cls.__basicsize__)
        except Exception:
            lay[key] = None
    try:
        lay['gc_header'] = int(sys.getsizeof(Slots3(1, 2, 3)) - Slots3.__basicsize__)
    except Exception:
        lay['gc_header'] = None
    try:
        lay['pymalloc'] = bool(int(_objmem.config_var('WITH_PYMALLOC')))
    except Exception:
        lay['pymalloc'] = None
    return lay


def probe():
    facts = {}

    def fact(key, fn):
        try:
            facts[key] = fn()
        except Exception:
            facts[key] = None

    def pointer_bits():
        try:
            import struct
            return struct.calcsize('P') * 8
        except Exception:
            return 64 if sys.maxsize > 2 ** 32 else 32

    def impl_version():
        if hasattr(sys, 'pypy_version_info'):
            return '%d.%d.%d' % tuple(sys.pypy_version_info[:3])
        if hasattr(sys, 'implementation'):
            return '%d.%d.%d' % tuple(sys.implementation.version[:3])
        return '%d.%d.%d' % tuple(sys.version_info[:3])      # CPython 2.7

    def gil_disabled():
        if impl in ('cpython', 'pypy'):
            return bool(_objmem.config_var('Py_GIL_DISABLED'))
        return None

    def gil_at_runtime():
        if hasattr(sys, '_is_gil_enabled'):
            return bool(sys._is_gil_enabled())
        if impl in ('cpython', 'pypy'):
            return True
        return None

    def platform_call(name):
        import platform
        return getattr(platform, name)()

    def has_headers():
        inc = _objmem.include_dir()
        return bool(inc) and os.path.exists(os.path.join(inc, 'Python.h'))

    def recordclass_version():
        import recordclass
        return _text(getattr(recordclass, '__version__', 'unknown'))

    def pyodide_version():
        """Pyodide's release where this is Pyodide (CPython on wasm32), else None."""
        if sys.platform != 'emscripten':
            return None
        import pyodide
        return _text(getattr(pyodide, '__version__', 'unknown'))

    impl = _objmem.implementation()
    facts['implementation'] = impl
    fact('version', lambda: '%d.%d.%d' % tuple(sys.version_info[:3]))
    fact('version_info', lambda: list(sys.version_info))
    fact('version_string', lambda: _text(sys.version))
    fact('implementation_version', impl_version)
    fact('executable', lambda: os.path.realpath(sys.executable))
    fact('pointer_bits', pointer_bits)
    fact('debug', lambda: hasattr(sys, 'gettotalrefcount'))
    fact('gil_disabled', gil_disabled)
    # Before _testcapi is imported (by _allocator): an import can re-enable it.
    fact('gil_enabled_at_runtime', gil_at_runtime)
    fact('compiler', lambda: platform_call('python_compiler') or None)
    fact('machine', lambda: platform_call('machine'))
    fact('configure_args', lambda: _objmem.config_var('CONFIG_ARGS'))
    fact('abiflags', lambda: getattr(sys, 'abiflags', None)
         if hasattr(sys, 'abiflags') else _objmem.config_var('ABIFLAGS'))
    fact('ext_suffix', _objmem.ext_suffix)
    fact('include_dir', _objmem.include_dir)
    fact('has_headers', has_headers)
    fact('getsizeof_works', lambda: _sizeof(object()) >= 0)
    fact('recordclass', recordclass_version)
    fact('pyodide', pyodide_version)
    fact('ext_build_dir', _objmem.build_dir)
    try:
        facts['allocator'], facts['allocator_source'] = _allocator(
            impl, facts.get('debug'), facts.get('gil_disabled'))
    except Exception:
        facts['allocator'], facts['allocator_source'] = 'unknown', None
    fact('layout', _layout)
    return facts


# --- main -------------------------------------------------------------------

def parse_count(text):
    try:
        count = int(text)
    except ValueError:
        count = -1
    if count < 0 or _text(count) != text.strip():
        usage_error("bad count '%s': want a whole number >= 0" % text)
    return count


def main(argv):
    if not argv:
        usage_error('missing mode')
    mode, args = argv[0], argv[1:]
    want = {'run': 2, 'probe': 0, 'prepare': 1, 'list': 0, 'views': 1}
    if mode in ('-h', '--help', 'help'):
        sys.stdout.write(USAGE)
        return 0
    if mode not in want:
        usage_error("unknown mode '%s'" % mode)
    if len(args) != want[mode]:
        usage_error("'%s' takes %d argument%s, not %d"
                    % (mode, want[mode], '' if want[mode] == 1 else 's', len(args)))
    if mode == 'run':
        count = parse_count(args[1])
    ch = Channel()
    if mode == 'run':
        cmd_run(ch, args[0], count)
    elif mode == 'prepare':
        cmd_prepare(ch, args[0])
    elif mode == 'list':
        cmd_list(ch)
    elif mode == 'views':
        cmd_views(ch, args[0])
    else:
        facts = probe()
        ch.send('probe', facts)
        _exit(0)
    return 0

