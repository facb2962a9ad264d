# _views.py - what the interpreter itself says one object costs, beside
# what the kernel says (objmem's measurement): `agent.py views WORKLOAD`.
#
#   shallow    sys.getsizeof of one object.
#   deep       the object and everything it owns, each counted once, found
#              through a registry of size functions by type (single
#              dispatch, as dask's sizeof does; Pympler's asizeof walks the
#              same way): a dict its keys and values, a list, tuple or set
#              its items, an instance what the collector sees it hold (its
#              __dict__ up to 3.10, its values since 3.11, its slots).
#              What is shared is not owned and not counted: None, True,
#              False, cached small ints, interned strings, types, modules,
#              functions. Also per attribute (asizesof-style).
#              Storage that is not an object is invisible to sys.getsizeof
#              and so to every deep sizeof: the values array of 3.11 and
#              3.12, the inline values of 3.13+. The requested view sees it.
#   one_process  the article's method: the USS before and after a fill of
#              ONE_PROCESS objects in one process, split into the clean pages
#              paged in meanwhile (code) and what the process wrote, before
#              and after a full collection (the collector's slack).
#   requested  what the objects asked the allocator for, from tracemalloc
#              (CPython 3.4+) over BATCH objects: the sizes of the blocks
#              and how many of each per object, the GC header and the
#              pre-header included, before any allocator rounding. Without
#              tracemalloc (2.7), derived from sys.getsizeof of each object
#              owned (requested_source: "sizes").
#   gc_tracked the objects owned that the cyclic collector tracks (the
#              free-threaded collector's work per object).
#
# A view the interpreter cannot give is None, with the reason in `lacks`.
# Runs on CPython 2.7 and 3.x, PyPy and MicroPython (syntax of 2.7).

import gc
import sys

BATCH = 2000        # objects traced for `requested`
FIRST = 1000        # make(FIRST + k): past the small-int cache and warm-up
MIN_SHARE = 0.01    # block sizes seen less often per object are "other"


def getsizeof(obj):
    """sys.getsizeof(obj); raises where the interpreter has none."""
    return int(sys.getsizeof(obj))


# ---- what is shared, not owned ----------------------------------------------

def _is_cached_int(obj):
    # a cached small int is the object int() returns for its own text
    try:
        return int(str(obj)) is obj
    except Exception:
        return False


def _is_interned(s):
    # a copy of s, interned, is s itself only when s is the interned one
    if len(s) < 2:
        return True             # the one-character strings are singletons
    intern = getattr(sys, 'intern', None)
    if intern is None:
        try:
            intern = __builtins__['intern'] if isinstance(__builtins__, dict) \
                else __builtins__.intern
        except Exception:
            return False
    return intern(''.join(list(s))) is s


_SHARED_TYPES = (type, type(sys), type(getsizeof), type(len))
_SINGLETONS = (None, True, False, Ellipsis, NotImplemented)


def shared(obj):
    """Owned by no single object: not counted in a deep size."""
    for s in _SINGLETONS:
        if obj is s:
            return True
    if isinstance(obj, _SHARED_TYPES):
        return True
    t = type(obj)
    if t is int or t.__name__ == 'long':
        return _is_cached_int(obj)
    if t is str:
        return _is_interned(obj)
    return False


# ---- the registry: what an object of each type owns -------------------------

_OWNS = {}


def owns(*types):
    """Register the function that lists what an object of these types owns."""
    def register(fn):
        for t in types:
            _OWNS[t] = fn
        return fn
    return register


@owns(dict)
def _dict_parts(d):
    parts = []
    for k, v in d.items():
        parts.append(k)
        parts.append(v)
    return parts


@owns(list, tuple, set, frozenset)
def _items(seq):
    return list(seq)


def _nothing(obj):
    return ()


owns(int, float, complex, str, bytes, bytearray)(_nothing)
if str is bytes:                # 2.7: unicode and long too
    owns(type(u''), type(2 ** 64))(_nothing)


def _referents(obj):
    # an instance: what the collector sees it hold, less its class (its
    # __dict__ to 3.10, its values since 3.11, its slots); no __dict__ is
    # asked for, which would make one on 3.11+
    cls = type(obj)
    return [r for r in gc.get_referents(obj) if r is not cls]


def _with_referents(obj, parts):
    # a subclass of a container (a namedtuple, a dict subclass): its items,
    # and what else the collector sees it hold (its own __dict__)
    ids = set(id(p) for p in parts)
    return list(parts) + [r for r in _referents(obj) if id(r) not in ids]


def _dispatch(obj):
    """The function listing what obj owns: by its type, else its bases."""
    cls = type(obj)
    for t in getattr(cls, '__mro__', (cls,)):
        fn = _OWNS.get(t)
        if fn is not None:
            if t is cls or fn is _nothing:
                return fn
            return lambda o: _with_referents(o, fn(o))
    return _referents


def owned(obj, seen=None):
    """obj and every object it owns, each once (what is shared left out),
    and not those in seen (which it adds to)."""
    if seen is None:
        seen = set()
    out = []
    stack = [obj]
    while stack:
        o = stack.pop()
        if id(o) in seen or (o is not obj and shared(o)):
            continue
        seen.add(id(o))
        out.append(o)
        for part in _dispatch(o)(o):
            if id(part) not in seen:
                stack.append(part)
    return out


def deep(obj):
    """Bytes of obj and all it owns, each object counted once."""
    return sum(getsizeof(o) for o in owned(obj))


def gc_tracked(obj):
    """How many of the objects obj owns the cyclic collector tracks after a
    collection, as the fill ends (a dict of atomic values is untracked when
    made, a tuple of them by the collection)."""
    gc.collect()
    return sum(1 for o in owned(obj) if gc.is_tracked(o))


# the types whose sys.getsizeof counts a second block (their table or
# items) beyond the fixed part of an empty one
_TWO_BLOCKS = (list, dict, set, frozenset)
_HEAPTYPE = 1 << 9              # Py_TPFLAGS_HEAPTYPE: a class made in Python


def _blocks(o):
    """The allocations one object is made of, from its sizes, as
    [[request, blocks per object], ...] (CPython 2.7 without tracemalloc)."""
    size = getsizeof(o)
    cls = type(o)
    if sys.version_info[0] == 2 and cls in (int, float):
        # 2.7 keeps ints and floats in blocks of its own: one malloc of
        # 8 + 41 x 24 = 992 bytes per 41 objects (intobject.c, floatobject.c)
        return [[992, 1.0 / 41]]
    if cls.__itemsize__ and cls.__flags__ & _HEAPTYPE:
        # PyType_GenericAlloc gives a subclass of a variable-size type one
        # item more than it has (a namedtuple is a tuple subclass)
        size += cls.__itemsize__
    for t in _TWO_BLOCKS:
        if isinstance(o, t):
            head = getsizeof(t())
            return [[head, 1], [size - head, 1]] if size > head else [[size, 1]]
    return [[size, 1]]


def _block_counts(roots):
    """{request: blocks} of every object the roots own, each once."""
    seen = set()
    counts = {}
    for r in roots:
        for o in owned(r, seen):
            for size, share in _blocks(o):
                counts[size] = counts.get(size, 0) + share
    return counts


def requested_from_sizes(make, n=BATCH):
    """Where there is no tracemalloc (CPython before 3.4): what n objects
    add to everything the factory holds (its closure: a trie's root) and
    to themselves, from sys.getsizeof of each object owned, a block each
    (two for a list, dict or set whose table or items lie apart; a share of
    a 992-byte block for a 2.7 int or float); sys.getsizeof counts the GC
    header, as the request does. Per object: (bytes, [[size, blocks], ...])."""
    cells = getattr(make, '__closure__', None) or ()
    roots = [c.cell_contents for c in cells if not shared(c.cell_contents)]
    before = _block_counts(roots)
    keep = [make(FIRST + 2 + k) for k in range(n)]
    after = _block_counts(roots + keep)
    blocks = []
    for size in sorted(after):
        per = (after[size] - before.get(size, 0)) / float(n)
        if per >= MIN_SHARE / 100:
            blocks.append([size, round(per, 4)])
    keep = None
    return round(sum(size * k for size, k in blocks), 2), blocks


def attribute_names(obj, other):
    """The names of obj's attributes, learnt from `other` (another object of
    the workload) so that obj's __dict__ is never made; None for an object
    without named attributes."""
    names = []
    for t in getattr(type(obj), '__mro__', ()):
        slots = t.__dict__.get('__slots__', ()) if hasattr(t, '__dict__') else ()
        if isinstance(slots, str):
            slots = (slots,)
        for n in slots:
            if n not in ('__dict__', '__weakref__') and n not in names:
                names.append(n)
    fields = getattr(type(obj), '_fields', None)        # a namedtuple
    if fields:
        for n in fields:
            if n not in names:
                names.append(n)
    d = getattr(other, '__dict__', None)
    if isinstance(d, dict):
        for n in d:
            if n not in names:
                names.append(n)
    return names or None


def deep_by_attribute(obj, names):
    """{name: deep bytes of the attribute's value} (shared values: 0)."""
    out = {}
    for n in names:
        try:
            v = getattr(obj, n)
        except AttributeError:
            continue
        out[n] = 0 if shared(v) else deep(v)
    return out


# ---- requested: tracemalloc ---------------------------------------------------

def requested(make):
    """(bytes per object, [[size, blocks per object], ...], objects traced).
    Raises ImportError where there is no tracemalloc."""
    import tracemalloc
    keep = [None] * BATCH
    for k in range(20):          # caches and first-use allocations first
        make(FIRST + BATCH + k)
    gc.collect()
    tracemalloc.start(1)
    try:
        before = {}
        for t in tracemalloc.take_snapshot().traces:
            before[t.size] = before.get(t.size, 0) + 1
        total_before = tracemalloc.get_traced_memory()[0]
        k = 0
        while k < BATCH:
            keep[k] = make(FIRST + k)
            k += 1
        total_after = tracemalloc.get_traced_memory()[0]
        after = {}
        for t in tracemalloc.take_snapshot().traces:
            after[t.size] = after.get(t.size, 0) + 1
    finally:
        tracemalloc.stop()
    blocks = []
    for size in sorted(after):
        n = after[size] - before.get(size, 0)
        if n >= MIN_SHARE * BATCH:
            blocks.append([size, round(float(n) / BATCH, 4)])
    per_object = float(total_after - total_before) / BATCH
    keep = None
    return round(per_object, 2), blocks, BATCH


# ---- the allocator's step, measured ---------------------------------------------

def size_class_step(request=72, n=200):
    """The step between pymalloc's size classes on this build, measured: the
    most common distance between the addresses (id) of new bytes objects of
    one request (72 bytes: a block of 72 with 8-byte classes, of 80 with
    16-byte ones). 8 or 16, or None where it cannot be seen."""
    empty = getsizeof(b'')              # the header and the terminating NUL
    length = request - empty
    if length < 2:
        return None
    keep = [b'x' * length + b'' for _ in range(n)]
    if getsizeof(keep[0]) != request:
        return None
    counts = {}
    ids = [id(o) for o in keep]
    for a, b in zip(ids, ids[1:]):
        d = b - a
        if 0 < d <= 4 * request:
            counts[d] = counts.get(d, 0) + 1
    if not counts:
        return None
    stride = max(counts, key=lambda d: counts[d])
    if stride == request:
        return 8
    if stride == request + 8:
        return 16
    return None


# ---- the article's method, in this process ----------------------------------------

ONE_PROCESS = 1000000   # objects the one-process measurement makes (PyPy: past its nursery)


def _private_pages():
    """(Private_Clean, Private_Dirty) of this process in bytes, or None."""
    try:
        f = open('/proc/self/smaps_rollup')
    except (IOError, OSError, NameError):
        return None
    clean = dirty = None
    try:
        for line in f:
            if line.startswith('Private_Clean:'):
                clean = int(line.split()[1]) * 1024
            elif line.startswith('Private_Dirty:'):
                dirty = int(line.split()[1]) * 1024
    finally:
        f.close()
    if clean is None or dirty is None:
        return None
    return clean, dirty


def one_process(make, n=ONE_PROCESS):
    """What a script using the article's method sees: USS before and after
    filling n objects in one process, the collector left to itself, then
    once more after a full collection. Per object: raw (the USS delta),
    clean (pages of code paged in meanwhile: Private_Clean), dirty (what the
    process wrote) and dirty after the collection; None without
    /proc/self/smaps_rollup."""
    keep = [None] * n
    gc.collect()
    before = _private_pages()
    if before is None:
        return None
    k = 0
    while k < n:
        keep[k] = make(FIRST + k)
        k += 1
    filled = _private_pages()
    gc.collect()
    collected = _private_pages()
    keep = None
    per = float(n)
    return {'objects': n,
            'raw': round((sum(filled) - sum(before)) / per, 2),
            'clean': round((filled[0] - before[0]) / per, 2),
            'dirty': round((filled[1] - before[1]) / per, 2),
            'dirty_collected': round((collected[1] - before[1]) / per, 2)}


# ---- all views of one workload ------------------------------------------------

def views(make):
    """The views of the workload whose factory is make, as a dict."""
    out = {'shallow': None, 'deep': None, 'deep_by_attribute': None,
           'requested': None, 'requested_blocks': None, 'traced': None,
           'lacks': {}}
    obj = make(FIRST)
    other = make(FIRST + 1)
    try:
        out['shallow'] = getsizeof(obj)
    except AttributeError:
        why = 'no sys.getsizeof on this interpreter'
        out['lacks']['shallow'] = out['lacks']['deep'] = why
    except Exception as e:
        if 'PyPy' in sys.version:
            why = ('sys.getsizeof raises %s on PyPy: its objects share maps and '
                   'string data, so one object has no size of its own' % type(e).__name__)
        else:
            first = (str(e).strip().split('\n') or [''])[0][:200]
            why = 'sys.getsizeof raised %s: %s' % (type(e).__name__, first)
        out['lacks']['shallow'] = out['lacks']['deep'] = why
    if out['shallow'] is not None:
        out['deep'] = deep(obj)
        names = attribute_names(obj, other)
        if names:
            out['deep_by_attribute'] = deep_by_attribute(obj, names)
    if out['shallow'] is not None and 'PyPy' not in sys.version:
        out['size_class_step'] = size_class_step()
        try:
            out['gc_tracked'] = gc_tracked(obj)
        except AttributeError:     # no gc.is_tracked (before 2.7)
            pass
    try:
        per_object, blocks, n = requested(make)
        out['requested'] = per_object
        out['requested_blocks'] = blocks
        out['traced'] = n
    except ImportError:
        if out['shallow'] is not None and 'PyPy' not in sys.version:
            out['requested'], out['requested_blocks'] = requested_from_sizes(make)
            out['requested_source'] = 'sizes'
        else:
            out['lacks']['requested'] = 'no tracemalloc on this interpreter (CPython 3.4+ has it)'
    except Exception as e:
        out['lacks']['requested'] = 'tracemalloc: %s: %s' % (type(e).__name__, e)
    # where objmem and a script using the article's method part (PyPy: the
    # pages of code paged in during the fill, and the collector's timing)
    if 'PyPy' in sys.version:
        try:
            out['one_process'] = one_process(make)
            if out['one_process'] is None:
                out['lacks']['one_process'] = 'no /proc/self/smaps_rollup'
        except Exception as e:
            out['one_process'] = None
            out['lacks']['one_process'] = '%s: %s' % (type(e).__name__, e)
    return out
