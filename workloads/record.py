# record: a mutable record with no GC header, as recordclass makes: the
# object header and three pointers only.  recordclass when it can be
# imported, else the project's own C extension ext/objmem_record.c, built
# per interpreter by `agent.py prepare record` into the objmem cache.

import _objmem
from _objmem import Skip

DESCRIPTION = 'mutable record (x, y, z) = (1, 2, 3) with no GC header (recordclass or ext/objmem_record.c)'


def _check_implementation():
    impl = _objmem.implementation()
    if impl == 'pypy':
        raise Skip('a C record is not compact on PyPy: cpyext wraps every C '
                   'object in a PyPy object, so it would measure the wrapper')
    if impl != 'cpython':
        raise Skip('record needs a CPython C extension, not available on %s'
                   % impl)


def _recordclass():
    try:
        from recordclass import recordclass
    except ImportError:
        return None
    return recordclass('Point3D', 'x y z')


def prepare():
    """Build the C extension unless recordclass will be used; its path."""
    _check_implementation()
    if _recordclass() is not None:
        return None
    return _objmem.build_extension('objmem_record', 'ext/objmem_record.c', 'record')


def setup():
    _check_implementation()
    cls = _recordclass()
    note = 'recordclass'
    if cls is None:
        cls = _objmem.import_extension('objmem_record', 'record').Record
        note = 'objmem_record C extension (recordclass not installed)'
    return (lambda i: cls(1, 2, 3)), note
